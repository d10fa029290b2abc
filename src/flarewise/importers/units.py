"""Unit factors the device formats share (Apple Health, Open mHealth), written once.

Each table maps a unit as the formats spell it to its factor into one unit: value x factor.
The spellings are the union of both formats' (Open mHealth's "Metric Ton", Apple's "Cal").
"""

from __future__ import annotations

#: To kilometres (exact by definition of the inch, foot, yard and mile).
LENGTH_KM = {
    "mm": 1e-6,
    "cm": 1e-5,
    "m": 1e-3,
    "km": 1.0,
    "in": 2.54e-5,
    "ft": 3.048e-4,
    "yd": 9.144e-4,
    "mi": 1.609344,
}
#: To metres (Apple Health's walking distance is kept in metres).
LENGTH_M = {unit: factor * 1000 for unit, factor in LENGTH_KM.items()}
#: To kilograms (the pound is exactly 0.45359237 kg).
MASS_KG = {
    "ug": 1e-9,
    "mg": 1e-6,
    "g": 1e-3,
    "kg": 1.0,
    "Metric Ton": 1000.0,
    "gr": 6.479891e-5,
    "oz": 0.028349523125,
    "lb": 0.45359237,
    "Ton": 907.18474,
}
#: To kilocalories ("Cal" is the food calorie; 1 kcal = 4.184 kJ).
ENERGY_KCAL = {"kcal": 1.0, "Cal": 1.0, "kJ": 1 / 4.184}
#: To minutes.
DURATION_MIN = {
    "ps": 1 / 6e13,
    "ns": 1 / 6e10,
    "us": 1 / 6e7,
    "ms": 1 / 6e4,
    "sec": 1 / 60,
    "min": 1.0,
    "h": 60.0,
    "d": 1440.0,
    "wk": 10080.0,
}
