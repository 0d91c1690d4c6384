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
  var key = ticketKey();

  /* The key that lets this phone act on the ticket (leave, "I'm here"): given in the
   * address (#k=…) when the ticket was taken or recovered, then kept on the phone. */
  function ticketKey() {
    var name = "antrean-key:" + data.ticket_id;
    var match = /[#&]k=([0-9a-f]+)/.exec(window.location.hash);
    try {
      if (match) { window.localStorage.setItem(name, match[1]); }
      return match ? match[1] : window.localStorage.getItem(name);
    } catch (e) {
      return match ? match[1] : null;
    }
  }

  function visible(id, shown) {
    var node = document.getElementById(id);
    if (node) { node.hidden = !shown; }
  }

  function actions(status) {
    var here = status.recalled && !status.present;
    visible("here", !!key && here);
    visible("leave", !!key && status.can_leave);
    visible("actions", !!key && (here || status.can_leave));
    if (!status.can_leave) { visible("leave-confirm", false); }
  }

  function post(action) {
    var request = new XMLHttpRequest();
    request.open("POST", window.location.pathname + "/" + action);
    request.setRequestHeader("Content-Type", "application/json");
    request.timeout = 10000;
    request.onload = function () {
      var body = {};
      try { body = JSON.parse(request.responseText); } catch (e) { body = {}; }
      if (request.status === 200) {
        visible("notice", false);
        show(body);
        data = body;
        return;
      }
      notice((body.message_id || "Gagal.") + " · " + (body.message_en || "Failed."));
    };
    request.onerror = request.ontimeout = function () {
      notice("Tidak tersambung ke server antrean. Coba lagi. · Not connected. Try again.");
    };
    request.send(JSON.stringify({key: key}));
  }

  function notice(message) {
    var node = document.getElementById("notice");
    node.textContent = message;
    node.hidden = false;
  }

  function on(id, handler) {
    var node = document.getElementById(id);
    if (node) { node.addEventListener("click", handler); }
  }
  on("here", function () { post("hadir"); });
  on("leave", function () { visible("leave-confirm", true); visible("leave", false); });
  on("leave-no", function () { visible("leave-confirm", false); actions(data); });
  on("leave-yes", function () { visible("leave-confirm", false); post("batal"); });

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
    actions(status);
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
  actions(data);
  if (!data.final) { ask(); }
}());
