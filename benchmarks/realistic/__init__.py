"""An independent generator of realistic diaries, and the harness that scores flarewise on them.

Issue 12: the statistics pass their own tests but fail on diaries that look like people's lives.
This package is written from the issue's description of real life, apart from the demo and from
``flarewise.analysis`` / ``flarewise.experiments``, so it can check them independently:

- ``life``: what happened each day (habits, seasons, trends, symptoms, planted effects);
- ``entries``: what the person and their phone logged (the journal's public record types);
- ``diary``: writes a diary into a real journal and keeps the truth;
- ``nof1``: runs a randomised personal trial through the journal (design, start, daily
  instruction, doses with 80 % adherence, missing days, 3-day carry-over);
- ``adapter``: the one place that reads flarewise's result objects (fields may change);
- ``scoring``: what counts as a true, reverse, linked or false trigger.
"""
