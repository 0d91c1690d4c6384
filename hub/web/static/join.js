/* The phone's join and recovery forms: send them to the hub, show its refusal or go to
 * the ticket's page. Every rule is the hub's; this only shows what it answers.
 *
 * A join attempt keeps its request id until it succeeds, so a retry after a lost answer
 * (the Wi-Fi dropped) gets the same ticket, never a second one.
 */
(function () {
  "use strict";
  var requestId = null;

  function byId(id) { return document.getElementById(id); }

  function showError(body) {
    var node = byId("error");
    node.textContent = (body.message_id || "Gagal.") + " · " + (body.message_en || "Failed.");
    node.hidden = false;
  }

  function send(path, body, done) {
    var request = new XMLHttpRequest();
    request.open("POST", path);
    request.setRequestHeader("Content-Type", "application/json");
    request.timeout = 15000;
    request.onload = function () {
      var answer = {};
      try { answer = JSON.parse(request.responseText); } catch (e) { answer = {}; }
      done(request.status, answer);
    };
    request.onerror = request.ontimeout = function () {
      done(0, {message_id: "Tidak tersambung ke server antrean. Coba lagi.",
               message_en: "Not connected to the queue server. Please try again."});
    };
    request.send(JSON.stringify(body));
  }

  function newId() {
    var bytes = new Uint8Array(12);
    window.crypto.getRandomValues(bytes);
    return "p-" + Array.prototype.map.call(bytes, function (b) {
      return ("0" + b.toString(16)).slice(-2);
    }).join("");
  }

  function chosen() {
    var radio = document.querySelector("input[name=service]:checked");
    return radio ? radio : null;
  }

  function serviceChanged() {
    var radio = chosen();
    var kinds = radio && radio.getAttribute("data-priority") ?
      radio.getAttribute("data-priority").split(",") : [];
    byId("priority-field").hidden = kinds.length === 0;
    Array.prototype.forEach.call(byId("priority").options, function (option) {
      option.hidden = option.value !== "" && kinds.indexOf(option.value) < 0;
    });
    if (kinds.indexOf(byId("priority").value) < 0) { byId("priority").value = ""; }
    byId("nik-field").hidden = !(radio && radio.getAttribute("data-limits"));
    Array.prototype.forEach.call(document.querySelectorAll(".req"), function (box) {
      box.hidden = !radio || box.getAttribute("data-for") !== radio.value;
    });
    requestId = null;  // another choice is another attempt
  }

  var join = byId("join");
  if (join) {
    Array.prototype.forEach.call(document.querySelectorAll("input[name=service]"),
      function (radio) { radio.addEventListener("change", serviceChanged); });
    join.addEventListener("submit", function (event) {
      event.preventDefault();
      var radio = chosen();
      if (!radio) {
        showError({message_id: "Pilih layanan terlebih dahulu.", message_en: "Choose a service first."});
        return;
      }
      if (!byId("contact").value.trim()) {
        showError({message_id: "Isi nomor HP Anda.", message_en: "Enter your phone number."});
        return;
      }
      requestId = requestId || newId();
      var body = {request_id: requestId, service_id: radio.value,
                  contact: byId("contact").value,
                  language: (navigator.language || "id").slice(0, 2) === "en" ? "en" : "id"};
      if (!byId("nik-field").hidden && byId("nik").value.trim()) { body.nik = byId("nik").value; }
      if (byId("priority").value) { body.priority_kind = byId("priority").value; }
      byId("take").disabled = true;
      send("/ambil", body, function (status, answer) {
        byId("take").disabled = false;
        if (status === 201) {
          window.location.href = answer.url;
          return;
        }
        if (status !== 0) { requestId = null; }  // refused: a new attempt is a new request
        showError(answer);
      });
    });
  }

  var recover = byId("recover");
  if (recover) {
    recover.addEventListener("submit", function (event) {
      event.preventDefault();
      send("/pulihkan", {label: byId("label").value.trim(), last4: byId("last4").value.trim()},
        function (status, answer) {
          if (status === 200) {
            window.location.href = answer.url;
            return;
          }
          showError(answer);
        });
    });
  }
}());
