// flarewise progressive enhancement: every page works without this file.
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  // Body map: the SVG regions toggle the labelled checkboxes (the real form controls).
  document.querySelectorAll(".bodymap").forEach(function (box) {
    function sync() {
      box.querySelectorAll(".site").forEach(function (shape) {
        var input = box.querySelector('input[name="sites"][value="' + shape.dataset.site + '"]');
        shape.classList.toggle("on", !!(input && input.checked));
      });
    }
    box.querySelectorAll(".site").forEach(function (shape) {
      shape.addEventListener("click", function () {
        var input = box.querySelector('input[name="sites"][value="' + shape.dataset.site + '"]');
        if (input) { input.checked = !input.checked; sync(); }
      });
    });
    box.addEventListener("change", sync);
    sync();
    // With the figures working, the checklist (the same 19 places) folds away; without
    // JavaScript it stays open as the only control.
    box.querySelectorAll("details.sitelist").forEach(function (d) { d.open = false; d.classList.remove("folds"); });
  });

  // A count's - and + buttons: one tap each, within the box's own limits; from an empty box
  // (not recorded) "-" gives the lowest value and "+" one above it.
  document.querySelectorAll("button[data-step]").forEach(function (button) {
    button.addEventListener("click", function () {
      var input = document.getElementById(button.getAttribute("aria-controls"));
      if (!input) { return; }
      var lo = input.min === "" ? 0 : Number(input.min);
      var hi = input.max === "" ? Infinity : Number(input.max);
      var step = Number(button.dataset.step);
      var next = input.value === "" ? (step > 0 ? lo + 1 : lo) : Number(input.value) + step;
      input.value = String(Math.min(hi, Math.max(lo, next)));
      input.dispatchEvent(new Event("input", { bubbles: true }));
      input.dispatchEvent(new Event("change", { bubbles: true }));
    });
  });

  // Check-in scales: tapping the chosen number again clears it (radios cannot be unticked
  // otherwise), so "leave out what you do not want to rate" stays possible after a slip.
  document.querySelectorAll(".seg-row").forEach(function (row) {
    var was = null;
    row.addEventListener("pointerdown", function (ev) {
      var label = ev.target.closest("label");
      var input = label && document.getElementById(label.htmlFor);
      was = input && input.checked ? input : null;
    });
    row.addEventListener("click", function (ev) {
      var label = ev.target.closest("label");
      if (label && was && was.id === label.htmlFor) { ev.preventDefault(); was.checked = false; was = null; }
    });
  });

  // "Same as yesterday": fills the form from yesterday's answers in place, only where nothing
  // is answered yet, so scores tapped before it are kept (without script the link reloads the
  // page filled in from yesterday).
  var same = document.getElementById("same-yesterday");
  if (same) {
    same.addEventListener("click", function (ev) {
      var form = same.closest("form");
      var fill = JSON.parse(same.dataset.fill || "null");
      if (!form || !fill) { return; }
      ev.preventDefault();
      Object.keys(fill.scores).forEach(function (name) {
        if (form.querySelector('input[name="' + name + '"]:checked')) { return; }
        var input = form.querySelector('input[name="' + name + '"][value="' + fill.scores[name] + '"]');
        if (input) { input.checked = true; }
      });
      var sites = form.querySelectorAll('input[name="sites"]');
      if (!form.querySelector('input[name="sites"]:checked')) {
        sites.forEach(function (input) { if (fill.sites.indexOf(input.value) >= 0) { input.checked = true; } });
        if (sites.length) { sites[0].dispatchEvent(new Event("change", { bubbles: true })); }
      }
      if (!form.querySelector('input[name="dose"]:checked')) {
        form.querySelectorAll('input[name="dose"]').forEach(function (input) {
          if (fill.doses.indexOf(input.value) >= 0) { input.checked = true; }
        });
      }
      var status = document.getElementById("same-status");
      if (status) { status.hidden = false; }
      same.parentNode.remove();
      if (status) { status.setAttribute("tabindex", "-1"); status.focus(); }
    });
  }

  // Offline check-in: a check-in saved without a connection waits on this device (with its
  // idempotency key) and is sent when the connection returns; the server stores it once even
  // if it arrives twice. The person sees that it is waiting.
  var OUTBOX = "flarewise-outbox";
  function outbox() { try { return JSON.parse(localStorage.getItem(OUTBOX) || "[]"); } catch (e) { return []; } }
  function showOutbox(text) {
    var box = document.getElementById("outbox");
    if (!box) { return; }
    var waiting = mine().length;
    box.hidden = !text && !waiting;
    box.textContent = text || (waiting ? waiting + " check-in" + (waiting > 1 ? "s" : "") + " saved on this device, waiting to be sent." : "");
  }
  var checkin = document.getElementById("checkin");
  var handle = checkin ? checkin.dataset.handle : "";
  function mine() { return outbox().filter(function (q) { return q.handle === handle; }); }
  function flush() {
    // only this person's waiting check-ins: on a shared device, never into another journal
    var queue = mine();
    if (!queue.length || !navigator.onLine) { showOutbox(); return; }
    var item = queue[0];
    fetch("/today", {
      method: "POST", credentials: "same-origin", redirect: "follow",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(item.fields).toString()
    }).then(function (r) {
      if (!r.ok) { throw new Error(String(r.status)); }
      localStorage.setItem(OUTBOX, JSON.stringify(outbox().filter(function (q) { return q.key !== item.key; })));
      if (mine().length) { flush(); } else { showOutbox("Your waiting check-in was sent."); }
    }).catch(function () { showOutbox(); });
  }
  if (checkin) {
    checkin.addEventListener("submit", function (ev) {
      if (navigator.onLine) { return; }
      ev.preventDefault();
      var fields = Array.from(new FormData(checkin).entries());
      var key = checkin.elements.idempotency_key.value;
      var queue = outbox().filter(function (q) { return q.key !== key; });
      queue.push({ key: key, handle: handle, fields: fields, at: new Date().toISOString() });
      localStorage.setItem(OUTBOX, JSON.stringify(queue));
      showOutbox();
    });
    window.addEventListener("online", flush);
    flush();
  }

  // A wide table's "swipe sideways" hint shows only while the table is wider than its box.
  document.querySelectorAll(".scroll-hint[data-hint-for]").forEach(function (hint) {
    var box = document.getElementById(hint.dataset.hintFor);
    if (!box) { return; }
    function sync() {
      var over = box.scrollWidth > box.clientWidth + 1;
      hint.classList.toggle("overflows", over);
      hint.classList.toggle("fits", !over);
    }
    window.addEventListener("resize", sync);
    sync();
  });

  // Installable and opens offline: the service worker (served from /sw.js).
  if ("serviceWorker" in navigator && document.querySelector('nav[aria-label="Main"]')) {
    navigator.serviceWorker.register("/sw.js").catch(function () { /* the app works without it */ });
  }

  // Signing out forgets the cached Today page (the service worker's copy).
  document.querySelectorAll('form[action="/signout"]').forEach(function (f) {
    f.addEventListener("submit", function () {
      if (!window.caches) { return; }
      // the cache is named after the files' content (pages/offline.py): forget every one of ours
      caches.keys().then(function (keys) {
        keys.filter(function (k) { return k.indexOf("flarewise-") === 0; })
          .forEach(function (k) { caches.delete(k); });
      });
    });
  });

  // Medicines: the per-unit strength field only matters for tablets, capsules, drops, scoops.
  document.querySelectorAll("select[data-product-units]").forEach(function (sel) {
    var box = document.getElementById(sel.getAttribute("aria-controls"));
    var product = sel.dataset.productUnits.split(" ");
    function sync() { if (box) { box.hidden = product.indexOf(sel.value) < 0; } }
    sel.addEventListener("change", sync);
    sync();
  });

  // Choosing a lab test shows its units without a second click.
  document.querySelectorAll("select[data-autosubmit]").forEach(function (sel) {
    sel.addEventListener("change", function () { if (sel.value) { sel.form.submit(); } });
  });

  // Charts: Vega-Lite specs built on the server, drawn here without eval (CSP-safe).
  // In dark mode the charts follow: light text and lines on a transparent background, the
  // same meanings (the trend colour stays the "good" blue-green, lightened).
  var dark = window.matchMedia && window.matchMedia("(prefers-color-scheme: dark)").matches;
  var ink = "#e8e6e3", faint = "#3a3f45";
  var darkConfig = {
    background: null,
    axis: { labelColor: ink, titleColor: ink, domainColor: "#8a8f96", tickColor: "#8a8f96", gridColor: faint },
    legend: { labelColor: ink, titleColor: ink },
    title: { color: ink }, header: { labelColor: ink, titleColor: ink },
    text: { color: ink }, line: { color: "#5fc4c8" }, area: { color: "#5fc4c8" }, point: { color: ink }
  };
  function restyle(spec) {
    // marks that name their colour keep it, except the trend's, which lightens in the dark
    var text = JSON.stringify(spec).split('"#1d6f72"').join('"#5fc4c8"').split('"#6b6b6b"').join('"#b4b0aa"')
      .split('"#0b5cad"').join('"#7db4f0"').split('"#b4521e"').join('"#f0965a"').split('"#555"').join('"#c9c9c9"').split('"#fff"').join('"#15171a"');
    return JSON.parse(text);
  }
  function fitTo(spec, width) {
    // the worker cannot see the page: "container" widths become the box's width in pixels
    if (spec.width === "container") { spec.width = width; }
    (spec.vconcat || []).forEach(function (panel) { fitTo(panel, width); });
    return spec;
  }
  var charts = document.querySelectorAll(".chart[data-spec-id]");
  if (charts.length && window.Worker) {
    // drawn in a worker (static/chart-worker.js): the page stays responsive meanwhile
    var worker = new Worker("/static/chart-worker.js");
    worker.onmessage = function (event) {
      var div = charts[event.data.id];
      if (event.data.svg) {
        div.innerHTML = event.data.svg;
        // the box carries role="img" and the words; the drawing inside is not read out twice
        div.querySelectorAll("svg").forEach(function (svg) { svg.setAttribute("aria-hidden", "true"); });
        div.dataset.drawn = "true";
      } else {
        div.textContent = "The chart could not be drawn (" + event.data.error + "); the tables below hold the same data.";
      }
    };
    charts.forEach(function (div, id) {
      var spec = JSON.parse(document.getElementById(div.dataset.specId).textContent);
      // the visit report stays a sheet of paper in dark mode: its chart keeps paper's colours
      var darkHere = dark && !div.closest(".visit");
      if (darkHere) { spec = restyle(spec); }
      worker.postMessage({ id: id, spec: fitTo(spec, div.clientWidth), config: darkHere ? darkConfig : {} });
    });
  }

  // Import progress without reloading the page.
  var job = document.getElementById("import-job");
  if (job && job.dataset.status === "running") {
    var meta = document.querySelector('meta[http-equiv="refresh"]');
    if (meta) { meta.remove(); }
    var timer = setInterval(function () {
      fetch("/api/import/" + job.dataset.job, { credentials: "same-origin" })
        .then(function (r) { return r.json(); })
        .then(function (j) {
          if (j.status !== "running") { clearInterval(timer); location.reload(); return; }
          var pct = Math.min(100, Math.round(100 * j.done_bytes / Math.max(1, j.total_bytes)));
          var bar = document.getElementById("import-progress");
          if (bar) { bar.value = pct; bar.textContent = pct + "%"; }
          var status = document.getElementById("import-status");
          if (status) { status.textContent = j.records + " records read, " + j.rate + " per second (" + pct + "% of the file)."; }
        });
    }, 700);
  }

  // A report PDF being made: ask its JSON until it is done, then show the download.
  var report = document.getElementById("report-job");
  if (report && report.dataset.status === "running") {
    var refresh = document.querySelector('meta[http-equiv="refresh"]');
    if (refresh) { refresh.remove(); }
    var poll = setInterval(function () {
      fetch(report.dataset.poll, { credentials: "same-origin" })
        .then(function (r) { return r.json(); })
        .then(function (j) {
          if (j.status !== "running") { clearInterval(poll); location.reload(); return; }
          var words = document.getElementById("report-status");
          if (words && !j.waiting) { words.textContent = "Making the PDF: a year of data can take several seconds."; }
        });
    }, 1500);
  }
})();
