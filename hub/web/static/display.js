/* The hall display in a browser: the hub's protocol version 2, as docs/protocol.md says.
 *
 * Plain ES5 on purpose (smart TVs run old browsers): no modules, no framework, nothing
 * from the internet. The page keeps no queue state of its own; it draws everything
 * from the view the hub sent (welcome snapshot, then events merged by seq/prev_seq,
 * resync on a gap), and takes the time from the hub (hub_time), never from the TV.
 */
(function () {
  "use strict";

  var cfg = JSON.parse(document.getElementById("display-config").textContent);
  var HIGHLIGHT_MS = 12000;    // a call stays amber this long (the Qt display: 12 s)
  var MAX_HIGHLIGHTED = 3;     // in a busy hall a dozen amber tiles point nowhere
  var MAX_QUEUED_CALLS = 8;    // announcements waiting; the oldest are dropped beyond it
  var PING_MS = 20000;         // learn hub_time again now and then (pong carries it)
  var DAYS = ["Minggu", "Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu"];
  var MONTHS = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
                "September", "Oktober", "November", "Desember"];
  var ZONES = {420: "WIB", 480: "WITA", 540: "WIT"};
  var storageKey = "antrean-display:" + cfg.device_id;

  var counterIds = cfg.counters.map(function (c) { return c.id; });
  var counterById = {};
  cfg.counters.forEach(function (c) { counterById[c.id] = c; });

  var state = {
    view: null, seq: 0, resyncing: false, status: "connecting", detail: "",
    hubOffsetMs: null, utcOffsetMin: 420, live: [], latestLive: null
  };

  // ------------------------------------------------------------------ storage

  function load(key) {
    try { return window.localStorage.getItem(storageKey + ":" + key); } catch (e) { return null; }
  }
  function save(key, value) {
    try { window.localStorage.setItem(storageKey + ":" + key, value); } catch (e) { /* private mode */ }
  }

  /* The token comes in the URL's fragment once (#token=…): keep it, then take it out of
   * the address bar so it is not left on the screen. */
  function readToken() {
    var match = /(?:^#|&)token=([^&]+)/.exec(window.location.hash || "");
    if (match) {
      var token = decodeURIComponent(match[1]);
      save("token", token);
      if (window.history && window.history.replaceState) {
        window.history.replaceState(null, "", window.location.pathname + window.location.search);
      }
      return token;
    }
    return load("token");
  }

  // ---------------------------------------------------------------- the page

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  var app = document.getElementById("app");
  var header = el("header", "header");
  var badge = el("div", "badge", "MPP");
  var titles = el("div", "titles");
  titles.appendChild(el("div", "title", cfg.mpp));
  titles.appendChild(el("div", "subtitle", cfg.subtitle));
  var clock = el("div", "clock");
  var clockTime = el("div", "time", "--.--.--");
  var clockDate = el("div", "date", "");
  clock.appendChild(clockTime);
  clock.appendChild(clockDate);
  var offline = el("div", "offline", "Tidak terhubung · Offline");
  offline.id = "offline";
  header.appendChild(badge);
  header.appendChild(titles);
  header.appendChild(offline);
  header.appendChild(clock);

  var board = el("main", "board");
  var grid = el("section", "tiles");
  var rows = Math.max(1, Math.ceil(counterIds.length / Math.max(1, Math.ceil(Math.sqrt(counterIds.length)))));
  var cols = Math.max(1, Math.ceil(Math.sqrt(counterIds.length)));
  grid.style.setProperty("--rows", String(rows));
  grid.style.setProperty("--cols", String(cols));
  var tiles = {};
  cfg.counters.forEach(function (c) {
    var tile = el("div", "tile closed");
    tile.setAttribute("data-counter", c.id);
    tile.appendChild(el("div", "name", c.name));
    var number = el("div", "number", "—");
    tile.appendChild(number);
    tile.appendChild(el("div", "tenant", c.tenant));
    grid.appendChild(tile);
    tiles[c.id] = {node: tile, number: number};
  });
  var side = el("section", "side");
  var now = el("div", "now idle");
  now.id = "now-calling";
  now.appendChild(el("div", "caption", "PANGGILAN TERAKHIR · NOW CALLING"));
  var nowLabel = el("div", "label", "—");
  nowLabel.id = "now-label";
  var nowCounter = el("div", "to", "");
  nowCounter.id = "now-counter";
  now.appendChild(nowLabel);
  now.appendChild(nowCounter);
  var previous = el("div", "previous");
  previous.appendChild(el("div", "caption", "PANGGILAN SEBELUMNYA · PREVIOUS"));
  var previousList = el("ol", "calls");
  previousList.id = "previous";
  previous.appendChild(previousList);
  side.appendChild(now);
  side.appendChild(previous);
  board.appendChild(grid);
  board.appendChild(side);

  var ticker = el("footer", "ticker");
  ticker.appendChild(el("div", "ticker-label", cfg.short_name.toUpperCase()));
  var band = el("div", "band");
  var runText = el("div", "run");
  runText.id = "running-text";
  band.appendChild(runText);
  ticker.appendChild(band);

  var sound = el("button", "sound", "Aktifkan suara · Enable sound");
  sound.id = "enable-sound";
  sound.type = "button";

  /* A TV given no token (no #token=… in its address) asks for it once. */
  var pair = el("form", "pair");
  pair.id = "pair";
  pair.appendChild(el("h1", "", cfg.mpp));
  pair.appendChild(el("p", "", "Layar " + cfg.device_id + " belum memiliki token. " +
                               "Masukkan token perangkat ini sekali saja."));
  pair.appendChild(el("p", "en", "This display has no token yet. Type this device's token once."));
  var pairInput = el("input", "");
  pairInput.id = "pair-token";
  pairInput.setAttribute("autocomplete", "off");
  var pairButton = el("button", "", "Simpan · Save");
  pairButton.type = "submit";
  pair.appendChild(pairInput);
  pair.appendChild(pairButton);

  app.appendChild(header);
  app.appendChild(board);
  app.appendChild(ticker);
  app.appendChild(sound);

  // -------------------------------------------------------------- hub's time

  function learnTime(hubTime) {
    if (!hubTime) { return; }
    var ms = Date.parse(hubTime);
    if (isNaN(ms)) { return; }
    state.hubOffsetMs = ms - Date.now();
    var match = /([+-])(\d\d):?(\d\d)$/.exec(hubTime);
    if (match) {
      state.utcOffsetMin = (match[1] === "-" ? -1 : 1) * (parseInt(match[2], 10) * 60 + parseInt(match[3], 10));
    } else if (/Z$/.test(hubTime)) {
      state.utcOffsetMin = 0;
    }
  }

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  /* The mall's local time as a Date whose UTC fields hold it (no time zone database). */
  function local(ms) { return new Date(ms + state.utcOffsetMin * 60000); }

  function drawClock() {
    if (state.hubOffsetMs === null) { return; }
    var t = local(Date.now() + state.hubOffsetMs);
    var zone = ZONES[state.utcOffsetMin] || "";
    clockTime.textContent = pad(t.getUTCHours()) + "." + pad(t.getUTCMinutes()) + "." +
      pad(t.getUTCSeconds()) + (zone ? " " + zone : "");
    clockDate.textContent = DAYS[t.getUTCDay()] + ", " + t.getUTCDate() + " " +
      MONTHS[t.getUTCMonth()] + " " + t.getUTCFullYear();
  }

  function callTime(iso) {
    var ms = Date.parse(iso || "");
    if (isNaN(ms)) { return ""; }
    var t = local(ms);
    return pad(t.getUTCHours()) + "." + pad(t.getUTCMinutes());
  }

  // ---------------------------------------------------------------- drawing

  /* Shrink a number until it fits its box (a long label never spills over). */
  function fit(node) {
    node.style.fontSize = "";
    var size = parseFloat(window.getComputedStyle(node).fontSize);
    for (var i = 0; i < 12 && node.scrollWidth > node.clientWidth + 1; i++) {
      size = size * 0.9;
      node.style.fontSize = size + "px";
    }
  }

  function highlighted() {
    var shown = {};
    var t = Date.now();
    state.live.forEach(function (call) {
      var desk = state.view && state.view.counters ? state.view.counters[call.counter_id] : null;
      if (call.until > t && desk && desk.ticket && desk.ticket.label === call.label) {
        shown[call.counter_id] = true;
      }
    });
    return shown;
  }

  function draw() {
    var view = state.view || {};
    var desks = view.counters || {};
    var lit = highlighted();
    counterIds.forEach(function (id) {
      var desk = desks[id];
      var tile = tiles[id];
      var text = "—";
      var kind = "unknown";
      if (desk) {
        if (desk.ticket) { text = desk.ticket.label; kind = "serving"; }
        else if (desk.status === "paused") { text = "Istirahat"; kind = "paused"; }
        else if (desk.status === "closed") { text = "Tutup"; kind = "closed"; }
        else { kind = desk.status; }
      }
      tile.node.className = "tile " + kind + (lit[id] ? " lit" : "");
      if (tile.number.textContent !== text) { tile.number.textContent = text; }
      fit(tile.number);
    });
    var calls = [];
    var seen = {};
    (view.recent_calls || []).forEach(function (call) {
      if (seen[call.label] || !counterById[call.counter_id]) { return; }
      seen[call.label] = true;
      calls.push(call);
    });
    var latest = calls[0];
    if (latest) {
      nowLabel.textContent = latest.label;
      nowCounter.textContent = "→ " + counterById[latest.counter_id].name;
      now.className = "now" + (lit[latest.counter_id] ? " fresh" : "");
    } else {
      nowLabel.textContent = "—";
      nowCounter.textContent = "";
      now.className = "now idle";
    }
    fit(nowLabel);
    while (previousList.firstChild) { previousList.removeChild(previousList.firstChild); }
    calls.slice(1, 7).forEach(function (call) {
      var row = el("li", "");
      row.appendChild(el("span", "label", call.label));
      row.appendChild(el("span", "counter", counterById[call.counter_id].name));
      row.appendChild(el("span", "at", callTime(call.called_at)));
      previousList.appendChild(row);
    });
    var text = cfg.running_text;
    var override = (view.settings || {}).running_text;
    if (override && override.id) { text = override; }
    var line = text.id + (text.en ? "     •     " + text.en : "");
    var doubled = line + "          " + line + "          ";
    if (runText.textContent !== doubled) {
      runText.textContent = doubled;
      runText.setAttribute("data-text", line);
      runText.style.animationDuration = Math.max(12, line.length * 0.25) + "s";
    }
    var up = state.status === "online";
    offline.style.display = up ? "none" : "block";
    offline.textContent = state.status === "refused" ? "Perangkat ditolak · Refused" :
      "Tidak terhubung · Offline";
    document.body.setAttribute("data-status", state.status);
    document.body.setAttribute("data-seq", String(state.seq));
  }

  // ------------------------------------------------------------ the protocol

  var ws = null;
  var token = readToken();
  var nominalWait = 200;
  var timers = {reconnect: null, ping: null, open: null, welcome: null};

  function clear(name) {
    if (timers[name]) { window.clearTimeout(timers[name]); timers[name] = null; }
  }

  function setStatus(status, detail) {
    state.status = status;
    state.detail = detail || "";
    draw();
  }

  function send(message) {
    if (ws && ws.readyState === 1) { ws.send(JSON.stringify(message)); }
  }

  function connect() {
    clear("reconnect");
    if (!token) { showPairing(); return; }
    var scheme = window.location.protocol === "https:" ? "wss:" : "ws:";
    var welcomed = false;
    var refused = false;
    try {
      ws = new WebSocket(scheme + "//" + window.location.host + "/");
    } catch (e) {
      scheduleReconnect(false);
      return;
    }
    var socket = ws;
    timers.open = window.setTimeout(function () { socket.close(); }, 5000);
    socket.onopen = function () {
      clear("open");
      socket.send(JSON.stringify({type: "hello", device_id: cfg.device_id, token: token,
                                  protocol: cfg.protocol}));
      timers.welcome = window.setTimeout(function () { socket.close(); }, 10000);
    };
    socket.onmessage = function (frame) {
      var message;
      try { message = JSON.parse(frame.data); } catch (e) { return; }
      if (!welcomed) {
        clear("welcome");
        if (message.type !== "welcome") {
          refused = true;
          setStatus("refused", message.message_id || "");
          return;
        }
        welcomed = true;
        nominalWait = 200;
        send({type: "report_device_status", request_id: newId(), ok: true});
      }
      handle(message);
    };
    socket.onclose = function (close) {
      clear("open");
      clear("welcome");
      clear("ping");
      if (socket !== ws) { return; }
      ws = null;
      if (!welcomed && close.code === 1008) { refused = true; }
      if (refused) {
        setStatus("refused", close.reason || state.detail);
        if (!pair.parentNode) { app.appendChild(pair); }   // a wrong token: let it be typed
      } else {
        setStatus("offline", close.reason || "");
      }
      scheduleReconnect(refused);
    };
  }

  /* 0.2 s doubling to 5 s, each wait drawn between half and all of it; 30–60 s after a
   * refusal (a wrong token does not heal by retrying fast). */
  function scheduleReconnect(refused) {
    var wait;
    if (refused) {
      wait = 30000 + Math.random() * 30000;
    } else {
      wait = nominalWait / 2 + Math.random() * nominalWait / 2;
      nominalWait = Math.min(5000, nominalWait * 2);
    }
    clear("reconnect");
    timers.reconnect = window.setTimeout(connect, wait);
  }

  function newId() {
    var id = "";
    for (var i = 0; i < 32; i++) { id += Math.floor(Math.random() * 16).toString(16); }
    return id;
  }

  function ping() {
    clear("ping");
    send({type: "ping"});
    timers.ping = window.setTimeout(ping, PING_MS);
  }

  function handle(m) {
    if (m.hub_time) { learnTime(m.hub_time); }
    if (m.type === "welcome" || m.type === "snapshot") {
      state.view = m.snapshot;
      state.seq = m.seq;
      state.resyncing = false;
      setStatus("online");
      if (m.type === "welcome") { ping(); }
      drawClock();
      return;
    }
    if (m.type === "event") {
      if (m.seq <= state.seq) { return; }                 // already in the snapshot
      if (m.prev_seq > state.seq) {                       // a gap: ask once, then wait
        if (!state.resyncing) { send({type: "resync"}); state.resyncing = true; }
        return;
      }
      if (state.resyncing) { return; }
      merge(m);
      state.seq = m.seq;
      react(m.event);
      draw();
      return;
    }
    if (m.type === "schedule_update" && state.view) {
      state.view["break"] = m["break"];
    }
  }

  function merge(m) {
    var view = state.view;
    var event = m.event;
    var key;
    if (m.counters) {
      view.counters = view.counters || {};
      for (key in m.counters) {
        if (Object.prototype.hasOwnProperty.call(m.counters, key)) { view.counters[key] = m.counters[key]; }
      }
    }
    if (m.settings) { view.settings = m.settings; }
    if (event.type === "business_day_started") {
      view.business_day = event.business_day;
      view.recent_calls = [];
      state.live = [];
    }
    if ((event.type === "ticket_called" || event.type === "ticket_recalled") &&
        counterById[event.counter_id]) {
      var label = String(event.ticket_id).split("/").pop();
      view.recent_calls = [{label: label, counter_id: event.counter_id, called_at: event.at}]
        .concat(view.recent_calls || []).slice(0, 12);
    }
  }

  /* A call just happened (an event, never a snapshot): highlight it and announce it. */
  function react(event) {
    if ((event.type !== "ticket_called" && event.type !== "ticket_recalled") ||
        !counterById[event.counter_id]) {
      return;
    }
    var label = String(event.ticket_id).split("/").pop();
    var call = {label: label, counter_id: event.counter_id, until: Date.now() + HIGHLIGHT_MS};
    state.live = [call].concat(state.live.filter(function (c) {
      return c.counter_id !== call.counter_id;
    })).slice(0, MAX_HIGHLIGHTED);
    announce(label, counterById[event.counter_id].number, event.type === "ticket_recalled");
  }

  // ---------------------------------------------------------- announcements

  /* One <audio> element, one WAV per call (chime and speech together, rendered by the
   * hub), strictly in order: the next is asked for only once the one before has ended,
   * so a call never cuts off another. Browsers refuse sound before a gesture: the
   * "Aktifkan suara" button, once; the choice is remembered. */
  var player = new Audio();
  var queue = [];
  var playing = false;
  var soundOn = load("sound") === "on";
  var played = [];
  window.antreanAudio = {queue: queue, played: played};

  function announce(label, number, recall) {
    var url = "/announce.wav?ticket=" + encodeURIComponent(label) + "&counter=" +
      encodeURIComponent(String(number)) + "&kind=" + (recall ? "recall" : "call") +
      "&lang=" + encodeURIComponent(cfg.languages);
    queue.push(url);
    while (queue.length > MAX_QUEUED_CALLS) { queue.shift(); }
    playNext();
  }

  function playNext() {
    if (playing || !soundOn || queue.length === 0) { return; }
    var url = queue.shift();
    playing = true;
    player.src = url;
    var started = player.play();
    played.push(url);
    if (started && started["catch"]) {
      started["catch"](function (error) {
        if (error && error.name === "NotAllowedError") {   // autoplay refused: ask again
          queue.unshift(url);
          played.pop();
          playing = false;
          soundOn = false;
          showSoundButton();
        } else {
          finished();
        }
      });
    }
  }

  function finished() {
    playing = false;
    playNext();
  }

  player.addEventListener("ended", finished);
  player.addEventListener("error", finished);

  function showSoundButton() { sound.style.display = soundOn ? "none" : "block"; }

  sound.addEventListener("click", function () {
    soundOn = true;
    save("sound", "on");
    showSoundButton();
    playNext();
  });

  // ------------------------------------------------------------------ token

  function showPairing() {
    setStatus("unpaired");
    if (!pair.parentNode) { app.appendChild(pair); }
    pairInput.focus();
  }

  pair.addEventListener("submit", function (submit) {
    submit.preventDefault();
    var typed = pairInput.value.replace(/\s+/g, "");
    if (!typed) { return; }
    token = typed;
    save("token", token);
    app.removeChild(pair);
    if (ws) { var old = ws; ws = null; old.close(); }   // its onclose sees it is not current
    connect();
  });

  // ------------------------------------------------------------------- start

  showSoundButton();
  draw();
  window.setInterval(function () {
    drawClock();
    if (state.live.length && !Object.keys(highlighted()).length) { state.live = []; draw(); }
  }, 1000);
  window.addEventListener("resize", draw);
  connect();
}());
