/* The visitor's phone: keep the ticket's status current without reloading the page.
 *
 * The hub answers `?data=1&since=VERSION` as soon as the ticket's status differs from
 * VERSION (or after a few seconds with the same one); this asks again at once, and
 * after a failure waits 1 s doubling to 30 s. A finished visit stops asking.
 * Without JavaScript the page still works: the server rendered it, and refreshes it.
 */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("ticket-data").textContent);
  if (!data) { return; }
  var failures = 0;

  function text(id, value) {
    var node = document.getElementById(id);
    if (node && node.textContent !== value) { node.textContent = value; }
  }

  function row(table, key, name, value) {
    var tr = document.createElement("tr");
    tr.id = key;
    var th = document.createElement("th");
    th.textContent = name;
    var td = document.createElement("td");
    td.textContent = value;
    tr.appendChild(th);
    tr.appendChild(td);
    table.appendChild(tr);
  }

  function show(status) {
    text("number", status.label);
    text("headline", status.headline_id);
    text("headline-en", status.headline_en);
    text("updated", status.updated);
    document.getElementById("state").className = "state " + status.status;
    var table = document.getElementById("rows");
    while (table.firstChild) { table.removeChild(table.firstChild); }
    row(table, "service", "Layanan / Service", status.service_id);
    if (status.people_ahead !== null) {
      row(table, "ahead", "Orang di depan Anda / Ahead of you", String(status.people_ahead));
      row(table, "wait", "Perkiraan tunggu / Estimated wait",
          status.estimated_wait_minutes === null ?
            "Belum ada loket yang buka untuk layanan ini / No counter is open for this service yet" :
            "± " + status.estimated_wait_minutes + " menit / min");
    }
    if (status.status === "called" && navigator.vibrate && data.status !== "called") {
      navigator.vibrate([300, 150, 300]);
    }
    document.body.setAttribute("data-version", status.version);
    text("live", status.final ? "Selesai / finished" : "Diperbarui / updated");
  }

  function ask() {
    var request = new XMLHttpRequest();
    request.open("GET", window.location.pathname + "?data=1&since=" + encodeURIComponent(data.version));
    request.timeout = 20000;
    request.onload = function () {
      if (request.status !== 200) { retry(); return; }
      var status;
      try { status = JSON.parse(request.responseText); } catch (e) { retry(); return; }
      failures = 0;
      show(status);
      data = status;
      document.body.removeAttribute("data-offline");
      if (!status.final) { ask(); }
    };
    request.onerror = retry;
    request.ontimeout = retry;
    request.send();
  }

  function retry() {
    failures += 1;
    document.body.setAttribute("data-offline", "1");
    window.setTimeout(ask, Math.min(30000, 1000 * Math.pow(2, failures - 1)));
  }

  document.body.setAttribute("data-version", data.version);
  if (!data.final) { ask(); }
}());
