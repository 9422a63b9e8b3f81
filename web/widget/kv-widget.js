/*
 * Kompetanseveilederen chat widget.
 *
 * Embed with one script tag (all attributes but data-server are optional):
 *
 *   <script src="/widget/kv-widget.js" defer
 *           data-server="https://veileder.example.no"   Rasa base URL (socket.io channel)
 *           data-title="Kompetanseveilederen"
 *           data-lang="nb"                              nb | nn (the widget's own labels)
 *           data-color="#0b5394"                        primary colour (darkened if white text
 *                                                       on it would fail WCAG AA contrast)
 *           data-greeting="/greet"></script>            payload sent when a conversation starts
 *
 * A page may instead (or in addition) set window.KVWidgetConfig = {server, title, lang, color,
 * greeting, socketioSrc, cssHref} before the script; it wins over the data attributes.
 *
 * Transport: Rasa's socket.io channel with session persistence. The session id (= Rasa sender
 * id) and the transcript live in localStorage, so a reload or another page of the same origin
 * continues the same conversation. All bot and user text is put into the DOM with textContent /
 * createElement; nothing from a message is ever parsed as HTML.
 */
(function () {
  "use strict";

  if (window.KVWidget && window.KVWidget.mounted) return;

  var script = document.currentScript;
  var scriptBase = script && script.src ? script.src.replace(/[^/]*([?#].*)?$/, "") : "";

  var LABELS = {
    nb: {
      ask: "Spør",
      close: "Lukk chatten",
      restart: "Start på nytt",
      restartConfirm: "Samtalen er startet på nytt.",
      inputLabel: "Skriv en melding",
      placeholder: "Skriv spørsmålet ditt her …",
      send: "Send",
      you: "Du",
      bot: "Veilederen",
      typing: "Veilederen skriver …",
      newMessages: "Nye meldinger ↓",
      transcript: "Samtale",
      choices: "Svaralternativer",
      connecting: "Kobler til …",
      lost: "Mistet forbindelsen – prøver igjen …",
      back: "Forbindelsen er tilbake.",
      unreachable: "Får ikke kontakt med veilederen akkurat nå – prøver igjen …",
      queued: "Sendes når forbindelsen er tilbake",
      privacyTitle: "Før du skriver",
      privacy: "Ikke skriv navn, fødselsnummer eller opplysninger om enkeltsaker. " +
        "Samtalen lagres i 90 dager for å forbedre tjenesten; skriv «slett samtalen min» for å slette den.",
      cardsHeading: "Forslag",
      why: "Passer fordi",
      unmet: "Oppfyller ikke",
      requires: "Krav for å delta",
      funding: "Finansiering",
      period: "Periode",
      uncertain: "Usikkert",
      source: "Kilde",
      checked: "sist kontrollert",
      opensNew: "(åpnes i ny fane)",
      up: "Nyttig forslag",
      down: "Ikke nyttig forslag",
      survey: "Fikk du svar?",
      ja: "Ja", delvis: "Delvis", nei: "Nei",
      thanks: "Takk for tilbakemeldingen!",
      feedbackFor: "Tilbakemelding på",
    },
    nn: {
      ask: "Spør",
      close: "Lukk chatten",
      restart: "Start på nytt",
      restartConfirm: "Samtalen er starta på nytt.",
      inputLabel: "Skriv ei melding",
      placeholder: "Skriv spørsmålet ditt her …",
      send: "Send",
      you: "Du",
      bot: "Rettleiaren",
      typing: "Rettleiaren skriv …",
      newMessages: "Nye meldingar ↓",
      transcript: "Samtale",
      choices: "Svaralternativ",
      connecting: "Koplar til …",
      lost: "Mista sambandet – prøver igjen …",
      back: "Sambandet er tilbake.",
      unreachable: "Får ikkje kontakt med rettleiaren akkurat no – prøver igjen …",
      queued: "Blir sendt når sambandet er tilbake",
      privacyTitle: "Før du skriv",
      privacy: "Ikkje skriv namn, fødselsnummer eller opplysningar om enkeltsaker. " +
        "Samtalen blir lagra i 90 dagar for å forbetre tenesta; skriv «slett samtalen min» for å slette han.",
      cardsHeading: "Forslag",
      why: "Passar fordi",
      unmet: "Oppfyller ikkje",
      requires: "Krav for å delta",
      funding: "Finansiering",
      period: "Periode",
      uncertain: "Usikkert",
      source: "Kjelde",
      checked: "sist kontrollert",
      opensNew: "(blir opna i ny fane)",
      up: "Nyttig forslag",
      down: "Ikkje nyttig forslag",
      survey: "Fekk du svar?",
      ja: "Ja", delvis: "Delvis", nei: "Nei",
      thanks: "Takk for tilbakemeldinga!",
      feedbackFor: "Tilbakemelding på",
    },
  };

  // ---------------------------------------------------------------- configuration

  function readConfig() {
    var d = (script && script.dataset) || {};
    var cfg = {
      server: d.server || "http://127.0.0.1:5005",
      title: d.title || "Kompetanseveilederen",
      lang: d.lang || "nb",
      color: d.color || "#0b5394",
      greeting: d.greeting !== undefined ? d.greeting : "/greet",
      socketioSrc: d.socketioSrc || scriptBase + "../vendor/socket.io.min.js",
      cssHref: d.css || scriptBase + "kv-widget.css",
      storagePrefix: d.storagePrefix || "kvw",
    };
    var over = window.KVWidgetConfig;
    if (over && typeof over === "object") {
      Object.keys(cfg).forEach(function (k) {
        if (over[k] !== undefined && over[k] !== null) cfg[k] = over[k];
      });
    }
    if (!LABELS[cfg.lang]) cfg.lang = "nb";
    cfg.server = String(cfg.server).replace(/\/+$/, "");
    return cfg;
  }

  // WCAG contrast of white text on the primary colour; darken until it reaches 4.5:1.
  function parseHex(hex) {
    var m = /^#?([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(String(hex).trim());
    if (!m) return null;
    var h = m[1].length === 3 ? m[1].replace(/(.)/g, "$1$1") : m[1];
    return [0, 2, 4].map(function (i) { return parseInt(h.substr(i, 2), 16); });
  }
  function luminance(rgb) {
    var c = rgb.map(function (v) {
      v /= 255;
      return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
  }
  function contrastWithWhite(rgb) { return 1.05 / (luminance(rgb) + 0.05); }
  function toHex(rgb) {
    return "#" + rgb.map(function (v) { return ("0" + Math.round(v).toString(16)).slice(-2); }).join("");
  }
  function accessiblePrimary(color) {
    var rgb = parseHex(color) || parseHex("#0b5394");
    var out = rgb.slice();
    for (var i = 0; i < 40 && contrastWithWhite(out) < 4.6; i++) {
      out = out.map(function (v) { return v * 0.92; });
    }
    if (toHex(out) !== toHex(rgb) && window.console) {
      console.warn("kv-widget: primary colour " + color + " gives too little contrast with white text; using " + toHex(out));
    }
    return toHex(out);
  }

  // ---------------------------------------------------------------- storage

  function Store(prefix) { this.prefix = prefix + ":"; }
  Store.prototype.get = function (key, fallback) {
    try {
      var raw = window.localStorage.getItem(this.prefix + key);
      return raw === null ? fallback : JSON.parse(raw);
    } catch (e) { return fallback; }
  };
  Store.prototype.set = function (key, value) {
    try { window.localStorage.setItem(this.prefix + key, JSON.stringify(value)); } catch (e) { /* full or blocked */ }
  };
  Store.prototype.remove = function (key) {
    try { window.localStorage.removeItem(this.prefix + key); } catch (e) { /* blocked */ }
  };
  Store.prototype.getSession = function (key) {
    try { return window.sessionStorage.getItem(this.prefix + key); } catch (e) { return null; }
  };
  Store.prototype.setSession = function (key, value) {
    try { window.sessionStorage.setItem(this.prefix + key, value); } catch (e) { /* blocked */ }
  };

  function newSessionId() {
    var bytes = new Uint8Array(16);
    (window.crypto || window.msCrypto).getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  // ---------------------------------------------------------------- safe text rendering

  var URL_RE = /https?:\/\/[^\s<>"'`]+/g;
  var MD_LINK_RE = /\[([^\]\n]{1,300})\]\(([^)\s]{1,2000})\)/g;

  function safeHttpUrl(raw) {
    try {
      var u = new URL(raw);
      return u.protocol === "http:" || u.protocol === "https:" ? u.href : null;
    } catch (e) { return null; }
  }

  function el(tag, cls, text) {
    var n = document.createElement(tag);
    if (cls) n.className = cls;
    if (text !== undefined && text !== null) n.textContent = text;
    return n;
  }

  // Icons are inline SVG built here (no icon font, no emoji: a browser without an emoji font
  // would draw empty boxes). 24x24 outlines in currentColor; the svg is aria-hidden and the
  // control carries the accessible name. A path with "fill": true is filled when the control is
  // pressed (CSS: .kvw-icon-fill).
  var SVG_NS = "http://www.w3.org/2000/svg";
  var THUMB = [
    { d: "M3 11h4v10H3z", fill: true },                                                   // cuff
    { d: "M7 11l4-8a2.5 2.5 0 0 1 3 2.5V10h5.2a2 2 0 0 1 2 2.4l-1.4 7A2 2 0 0 1 17.8 21H7z", fill: true },
  ];
  var ICONS = {
    chat: { paths: [
      { d: "M5 4h14a2 2 0 0 1 2 2v9a2 2 0 0 1-2 2h-8l-5 4v-4H5a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z" },
      { d: "M7.5 9h9M7.5 12.5h6" }] },
    close: { paths: [{ d: "M6 6l12 12M18 6L6 18" }] },
    up: { paths: THUMB },
    down: { paths: THUMB, transform: "rotate(180 12 12)" },
  };

  function icon(name, cls) {
    var spec = ICONS[name];
    var svg = document.createElementNS(SVG_NS, "svg");
    svg.setAttribute("class", "kvw-icon kvw-icon-" + name + (cls ? " " + cls : ""));
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("width", "24"); // the size until the stylesheet has loaded (CSS wins)
    svg.setAttribute("height", "24");
    svg.setAttribute("fill", "none");
    svg.setAttribute("stroke", "currentColor");
    svg.setAttribute("stroke-width", "2");
    svg.setAttribute("stroke-linecap", "round");
    svg.setAttribute("stroke-linejoin", "round");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    var parent = svg;
    if (spec.transform) {
      parent = document.createElementNS(SVG_NS, "g");
      parent.setAttribute("transform", spec.transform);
      svg.appendChild(parent);
    }
    spec.paths.forEach(function (p) {
      var path = document.createElementNS(SVG_NS, "path");
      path.setAttribute("d", p.d);
      if (p.fill) path.setAttribute("class", "kvw-icon-fill");
      parent.appendChild(path);
    });
    return svg;
  }

  function link(href, text, labels) {
    var a = el("a", "kvw-link", text);
    a.href = href;
    a.target = "_blank";
    a.rel = "noopener noreferrer";
    var hint = el("span", "kvw-sr", " " + labels.opensNew);
    a.appendChild(hint);
    return a;
  }

  // Bare URLs inside a plain text run; trailing punctuation stays outside the link.
  function appendWithBareUrls(parent, text, labels) {
    var last = 0;
    text.replace(URL_RE, function (match, offset) {
      var url = match.replace(/[.,;:!?)\]»”’]+$/, "");
      if (offset > last) parent.appendChild(document.createTextNode(text.slice(last, offset)));
      var href = safeHttpUrl(url);
      if (href) parent.appendChild(link(href, url, labels));
      else parent.appendChild(document.createTextNode(url));
      last = offset + url.length;
      return match;
    });
    if (last < text.length) parent.appendChild(document.createTextNode(text.slice(last)));
  }

  // Links ([tekst](https://…)) and bare URLs inside one run (no bold markers).
  function appendLinks(parent, text, labels) {
    var last = 0;
    var m;
    MD_LINK_RE.lastIndex = 0;
    while ((m = MD_LINK_RE.exec(text)) !== null) {
      if (m.index > last) appendWithBareUrls(parent, text.slice(last, m.index), labels);
      var href = safeHttpUrl(m[2]);
      // Only http(s) targets become links; anything else (javascript:, data:, …) shows its text only.
      parent.appendChild(href ? link(href, m[1], labels) : document.createTextNode(m[1]));
      last = m.index + m[0].length;
    }
    if (last < text.length) appendWithBareUrls(parent, text.slice(last), labels);
  }

  // Bot text: **bold**, [links](https://…), bare URLs, newlines (CSS pre-wrap).
  function renderBotText(parent, text, labels) {
    var parts = String(text).split(/\*\*([^*\n][^*]*?)\*\*/g);
    for (var i = 0; i < parts.length; i++) {
      if (!parts[i]) continue;
      if (i % 2 === 1) {
        var b = el("strong");
        appendLinks(b, parts[i], labels);
        parent.appendChild(b);
      } else {
        appendLinks(parent, parts[i], labels);
      }
    }
  }

  // ---------------------------------------------------------------- the widget

  function Widget(cfg) {
    this.cfg = cfg;
    this.t = LABELS[cfg.lang];
    this.store = new Store(cfg.storagePrefix);
    this.sessionId = this.store.get("session", null);
    this.items = this.sessionId ? this.store.get("transcript:" + this.sessionId, []) : [];
    this.socket = null;
    this.confirmed = false;
    this.queue = [];
    this.pendingFeedbackAcks = 0;
    this.surveyTimer = null;
    this.autoFollow = true;
    this.lastAutoTop = -1;
    this.everConnected = false;
    this.turnStart = null;
    this.tabId = newSessionId().slice(0, 12);
    // Messages typed while offline and not yet sent when the page was left: send them now.
    for (var i = 0; i < this.items.length; i++) {
      if (this.items[i].k === "user" && this.items[i].queued) {
        this.queue.push({ message: this.items[i].text, item: this.items[i], node: null });
      }
    }
  }

  Widget.prototype.mount = function () {
    var t = this.t;
    var self = this;
    var root = el("div", "kvw");
    root.setAttribute("lang", this.cfg.lang);
    root.style.setProperty("--kvw-primary", accessiblePrimary(this.cfg.color));
    this.root = root;

    var launcher = el("button", "kvw-launcher");
    launcher.type = "button";
    launcher.setAttribute("aria-expanded", "false");
    launcher.setAttribute("aria-controls", "kvw-panel");
    launcher.setAttribute("aria-haspopup", "dialog");
    launcher.appendChild(icon("chat", "kvw-launcher-icon"));
    launcher.appendChild(el("span", "kvw-launcher-text", t.ask + " " + this.cfg.title));
    launcher.addEventListener("click", function () { self.open(true); });
    this.launcher = launcher;

    var panel = el("section", "kvw-panel");
    panel.id = "kvw-panel";
    panel.setAttribute("role", "dialog");
    panel.setAttribute("aria-modal", "true");
    panel.setAttribute("aria-labelledby", "kvw-title");
    panel.hidden = true;
    this.panel = panel;

    var header = el("div", "kvw-header");
    var title = el("h2", "kvw-title", this.cfg.title);
    title.id = "kvw-title";
    var restart = el("button", "kvw-hbtn kvw-restart", t.restart);
    restart.type = "button";
    restart.addEventListener("click", function () { self.restart(); });
    var close = el("button", "kvw-hbtn kvw-close");
    close.type = "button";
    close.setAttribute("aria-label", t.close);
    close.appendChild(icon("close"));
    close.addEventListener("click", function () { self.close(); });
    header.appendChild(title);
    header.appendChild(restart);
    header.appendChild(close);

    var conn = el("p", "kvw-conn");
    conn.setAttribute("role", "status");
    conn.hidden = true;
    this.conn = conn;

    var log = el("div", "kvw-log");
    log.setAttribute("role", "log");
    log.setAttribute("aria-live", "off"); // announcements go through this.live (bot messages only)
    log.setAttribute("aria-label", t.transcript);
    log.tabIndex = 0;
    log.addEventListener("scroll", function () { self.onScroll(); });
    this.log = log;

    var typing = el("div", "kvw-typing");
    typing.hidden = true;
    var dots = el("span", "kvw-dots");
    dots.setAttribute("aria-hidden", "true");
    for (var i = 0; i < 3; i++) dots.appendChild(el("span"));
    typing.appendChild(dots);
    typing.appendChild(el("span", "kvw-typing-text", t.typing));
    this.typing = typing;

    var newer = el("button", "kvw-newer", t.newMessages);
    newer.type = "button";
    newer.hidden = true;
    newer.addEventListener("click", function () {
      self.autoFollow = true;
      self.scrollTo(self.log.scrollHeight);
      newer.hidden = true;
      self.input.focus();
    });
    this.newer = newer;

    var privacy = el("div", "kvw-privacy");
    privacy.id = "kvw-privacy";
    privacy.appendChild(el("strong", null, t.privacyTitle + ": "));
    privacy.appendChild(document.createTextNode(t.privacy));
    this.privacy = privacy;

    var form = el("form", "kvw-form");
    form.setAttribute("novalidate", "");
    var label = el("label", "kvw-label", t.inputLabel);
    label.htmlFor = "kvw-input";
    var input = el("textarea", "kvw-input");
    input.id = "kvw-input";
    input.rows = 1;
    input.maxLength = 2000;
    input.placeholder = t.placeholder;
    input.autocomplete = "off";
    input.setAttribute("aria-describedby", "kvw-privacy");
    input.addEventListener("keydown", function (e) {
      if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
        e.preventDefault();
        self.submit();
      }
    });
    var send = el("button", "kvw-send", t.send);
    send.type = "submit";
    form.addEventListener("submit", function (e) { e.preventDefault(); self.submit(); });
    var row = el("div", "kvw-row");
    row.appendChild(input);
    row.appendChild(send);
    form.appendChild(label);
    form.appendChild(row);
    this.input = input;

    // Bot messages are announced here (the transcript itself is aria-live=off, so the user's
    // own messages are not read back).
    var live = el("div", "kvw-sr");
    live.setAttribute("aria-live", "polite");
    live.setAttribute("aria-atomic", "false");
    this.live = live;

    panel.appendChild(header);
    panel.appendChild(conn);
    panel.appendChild(log);
    panel.appendChild(newer);
    panel.appendChild(typing);
    panel.appendChild(privacy);
    panel.appendChild(form);
    root.appendChild(launcher);
    root.appendChild(panel);
    root.appendChild(live);
    document.body.appendChild(root);

    panel.addEventListener("keydown", function (e) { self.onPanelKey(e); });

    this.renderAll();
    if (this.store.getSession("open") === "1") this.open(false);
    this.syncTabs();
  };

  // ------------------------------------------------------------ open / close / focus

  Widget.prototype.open = function (moveFocus) {
    this.panel.hidden = false;
    this.root.classList.add("kvw-is-open");
    this.launcher.setAttribute("aria-expanded", "true");
    this.store.setSession("open", "1");
    this.connect();
    this.scrollTo(this.log.scrollHeight);
    if (moveFocus) this.input.focus();
  };

  Widget.prototype.close = function () {
    this.panel.hidden = true;
    this.root.classList.remove("kvw-is-open");
    this.launcher.setAttribute("aria-expanded", "false");
    this.store.setSession("open", "0");
    this.launcher.focus();
  };

  Widget.prototype.focusables = function () {
    var nodes = this.panel.querySelectorAll(
      "a[href], button:not([disabled]), textarea:not([disabled]), input:not([disabled]), [tabindex]:not([tabindex='-1'])");
    return Array.prototype.filter.call(nodes, function (n) {
      return !n.hidden && n.offsetParent !== null;
    });
  };

  // Escape closes; Tab cycles inside the dialog (it is modal: aria-modal=true).
  Widget.prototype.onPanelKey = function (e) {
    if (e.key === "Escape") {
      e.preventDefault();
      this.close();
      return;
    }
    if (e.key !== "Tab") return;
    var f = this.focusables();
    if (!f.length) return;
    var first = f[0];
    var last = f[f.length - 1];
    if (e.shiftKey && document.activeElement === first) {
      e.preventDefault();
      last.focus();
    } else if (!e.shiftKey && document.activeElement === last) {
      e.preventDefault();
      first.focus();
    }
  };

  // ------------------------------------------------------------ scrolling

  Widget.prototype.nearBottom = function () {
    var l = this.log;
    return l.scrollHeight - l.scrollTop - l.clientHeight < 60;
  };

  Widget.prototype.scrollTo = function (top) {
    var max = this.log.scrollHeight - this.log.clientHeight;
    var target = Math.max(0, Math.min(top, max));
    this.lastAutoTop = target;
    this.log.scrollTop = target;
  };

  Widget.prototype.onScroll = function () {
    if (Math.abs(this.log.scrollTop - this.lastAutoTop) <= 2) return; // our own scroll
    this.lastAutoTop = -1;
    var near = this.nearBottom();
    this.autoFollow = near;
    if (near) this.newer.hidden = true;
  };

  // After a bot message: follow the answer unless the user has scrolled away. A long answer is
  // shown from the start of this turn's first bot message rather than from its end.
  Widget.prototype.afterBotMessage = function (node, wasNearBottom) {
    if (wasNearBottom !== undefined) {
      // Outside a turn (e.g. the thanks for a feedback click): bottom only if the user was there.
      if (wasNearBottom) {
        this.scrollTo(this.log.scrollHeight);
        this.newer.hidden = true;
      } else {
        this.newer.hidden = false;
      }
      return;
    }
    if (!this.turnStart) this.turnStart = node;
    if (this.autoFollow) {
      var top = this.turnStart.offsetTop - this.log.offsetTop - 8;
      this.scrollTo(Math.min(this.log.scrollHeight, top));
      this.newer.hidden = true;
    } else {
      this.newer.hidden = false;
    }
  };

  // ------------------------------------------------------------ transcript

  Widget.prototype.save = function () {
    if (!this.sessionId) return;
    if (this.items.length > 300) this.items = this.items.slice(-300);
    this.store.set("transcript:" + this.sessionId, this.items);
  };

  Widget.prototype.renderAll = function () {
    this.log.textContent = "";
    for (var i = 0; i < this.items.length; i++) this.log.appendChild(this.renderItem(this.items[i]));
    this.updatePrivacy();
  };

  Widget.prototype.updatePrivacy = function () {
    var asked = this.items.some(function (it) { return it.k === "user"; });
    this.privacy.hidden = asked;
  };

  Widget.prototype.add = function (item) {
    this.items.push(item);
    this.save();
    var node = this.renderItem(item);
    this.log.appendChild(node);
    this.updatePrivacy();
    return node;
  };

  Widget.prototype.renderItem = function (it) {
    switch (it.k) {
      case "user": return this.renderUser(it);
      case "bot": return this.renderBot(it);
      case "cards": return this.renderCards(it);
      case "survey": return this.renderSurvey(it);
      case "note": return el("p", "kvw-note", it.text);
      default: return el("div");
    }
  };

  Widget.prototype.renderUser = function (it) {
    var wrap = el("div", "kvw-msg kvw-user");
    wrap.appendChild(el("span", "kvw-sr", this.t.you + ": "));
    wrap.appendChild(el("span", "kvw-text", it.text)); // plain text, never parsed
    if (it.queued) wrap.appendChild(el("span", "kvw-queued", this.t.queued));
    return wrap;
  };

  Widget.prototype.renderBot = function (it) {
    var self = this;
    var wrap = el("div", "kvw-msg kvw-bot");
    wrap.appendChild(el("span", "kvw-sr", this.t.bot + ": "));
    if (it.text) {
      var body = el("div", "kvw-text");
      renderBotText(body, it.text, this.t);
      wrap.appendChild(body);
    }
    if (it.image) {
      var href = safeHttpUrl(it.image);
      if (href) wrap.appendChild(link(href, href, this.t));
    }
    if (it.buttons && it.buttons.length) {
      var group = el("div", "kvw-choices");
      group.setAttribute("role", "group");
      group.setAttribute("aria-label", this.t.choices);
      it.buttons.forEach(function (b, idx) {
        var btn = el("button", "kvw-choice", b.title);
        btn.type = "button";
        var used = it.chosen !== undefined && it.chosen !== null;
        btn.setAttribute("aria-pressed", used && it.chosen === idx ? "true" : "false");
        if (used) btn.disabled = true;
        btn.addEventListener("click", function () { self.choose(it, idx, group); });
        group.appendChild(btn);
      });
      wrap.appendChild(group);
    }
    return wrap;
  };

  Widget.prototype.choose = function (it, idx, group) {
    if (it.chosen !== undefined && it.chosen !== null) return;
    var b = it.buttons[idx];
    if (/^\/start_over\b/.test(b.payload || "")) {
      this.restart();
      return;
    }
    it.chosen = idx;
    this.save();
    Array.prototype.forEach.call(group.querySelectorAll("button"), function (btn, i) {
      btn.disabled = true;
      btn.setAttribute("aria-pressed", i === idx ? "true" : "false");
    });
    this.sendUser(b.payload || b.title, b.title);
    this.input.focus();
  };

  function hostLabel(href) {
    try { return new URL(href).hostname.replace(/^www\./, ""); } catch (e) { return href; }
  }

  Widget.prototype.renderCards = function (it) {
    var self = this;
    var t = this.t;
    // Field labels come with the message in the bot's language (bokmål/nynorsk), else our own.
    var L = it.labels || {};
    var wrap = el("ul", "kvw-cards");
    wrap.setAttribute("aria-label", t.cardsHeading);
    (it.cards || []).forEach(function (c) {
      var card = el("li", "kvw-card");
      var h = el("h3", "kvw-card-title", (c.number ? c.number + ". " : "") + (c.title || ""));
      card.appendChild(h);
      var field = function (label, value, cls) {
        if (!value) return;
        var p = el("p", "kvw-card-field" + (cls ? " " + cls : ""));
        p.appendChild(el("strong", null, label + ": "));
        renderBotText(p, String(value), t);
        card.appendChild(p);
      };
      field(t.period, c.period, "kvw-period");
      field(L.fits_because || t.why, c.why);
      field(L.does_not_fit || t.unmet, c.unmet, "kvw-unmet");
      field(L.requires || t.requires, c.requires, "kvw-requires");
      field(L.funding || t.funding, c.funding);
      field(L.uncertain || t.uncertain, c.uncertain, "kvw-uncertain");
      var href = c.url ? safeHttpUrl(c.url) : null;
      if (href) {
        var src = el("p", "kvw-card-field kvw-source");
        src.appendChild(el("strong", null, (L.source || c.source_label || t.source) + ": "));
        src.appendChild(link(href, hostLabel(href), t));
        if (c.last_checked) {
          var checked = /^\d/.test(c.last_checked) ? t.checked + " " + c.last_checked : c.last_checked;
          src.appendChild(document.createTextNode(" (" + checked + ")"));
        }
        card.appendChild(src);
      }
      var fb = el("div", "kvw-rate");
      fb.setAttribute("role", "group");
      fb.setAttribute("aria-label", t.feedbackFor + " " + (c.title || ""));
      var rated = (it.feedback || {})[c.id];
      [["up", t.up], ["down", t.down]].forEach(function (r) {
        var btn = el("button", "kvw-rate-btn kvw-rate-" + r[0]);
        btn.type = "button";
        btn.setAttribute("aria-label", r[1]);
        btn.title = r[1];
        btn.appendChild(icon(r[0]));
        btn.setAttribute("aria-pressed", rated === r[0] ? "true" : "false");
        if (rated) btn.disabled = true;
        btn.addEventListener("click", function () {
          if ((it.feedback || {})[c.id]) return;
          it.feedback = it.feedback || {};
          it.feedback[c.id] = r[0];
          self.save();
          Array.prototype.forEach.call(fb.querySelectorAll("button"), function (x) { x.disabled = true; });
          btn.setAttribute("aria-pressed", "true");
          self.sendFeedback(r[0], String(c.id));
        });
        fb.appendChild(btn);
      });
      card.appendChild(fb);
      wrap.appendChild(card);
    });
    return wrap;
  };

  Widget.prototype.renderSurvey = function (it) {
    var self = this;
    var t = this.t;
    var wrap = el("div", "kvw-survey");
    wrap.setAttribute("role", "group");
    var q = el("p", "kvw-survey-q", t.survey);
    q.id = "kvw-survey-" + it.id;
    wrap.setAttribute("aria-labelledby", q.id);
    wrap.appendChild(q);
    ["ja", "delvis", "nei"].forEach(function (rating) {
      var btn = el("button", "kvw-choice", t[rating]);
      btn.type = "button";
      btn.setAttribute("aria-pressed", it.rating === rating ? "true" : "false");
      if (it.rating) btn.disabled = true;
      btn.addEventListener("click", function () {
        if (it.rating) return;
        it.rating = rating;
        self.save();
        Array.prototype.forEach.call(wrap.querySelectorAll("button"), function (x) { x.disabled = true; });
        btn.setAttribute("aria-pressed", "true");
        self.sendFeedback(rating, "samtale");
      });
      wrap.appendChild(btn);
    });
    return wrap;
  };

  // ------------------------------------------------------------ sending

  Widget.prototype.submit = function () {
    var text = this.input.value.trim();
    if (!text) return;
    this.input.value = "";
    this.sendUser(text, text);
  };

  Widget.prototype.sendUser = function (message, shown) {
    var item = { k: "user", text: shown };
    var queued = !this.confirmed;
    if (queued) item.queued = true;
    var node = this.add(item);
    this.autoFollow = true;
    this.turnStart = null;
    this.scrollTo(this.log.scrollHeight);
    this.newer.hidden = true;
    this.emit(message, item, node);
    if (!queued) this.showTyping(true);
  };

  Widget.prototype.sendFeedback = function (rating, target) {
    this.pendingFeedbackAcks++;
    var msg = "/feedback" + JSON.stringify({ rating: rating, target: target });
    this.emit(msg, null, null);
  };

  // Several tabs of the same site share one session (and its socket.io room), so every tab
  // receives each bot message. Only the tab the user is in (the "owner": visible, last used)
  // stores and shows them; the others follow through the storage event.
  Widget.prototype.claim = function () { this.store.set("owner", this.tabId); };
  Widget.prototype.isOwner = function () { return this.store.get("owner", this.tabId) === this.tabId; };

  Widget.prototype.syncTabs = function () {
    var self = this;
    if (document.visibilityState !== "hidden") this.claim();
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "visible") self.claim();
    });
    window.addEventListener("focus", function () { self.claim(); });
    window.addEventListener("storage", function (e) {
      if (!e.key || e.key.indexOf(self.store.prefix) !== 0) return;
      var key = e.key.slice(self.store.prefix.length);
      if (key === "session") {
        var sid = self.store.get("session", null);
        if (sid && sid !== self.sessionId) {
          self.sessionId = sid;
          self.items = self.store.get("transcript:" + sid, []);
          self.greeted = true;
          self.renderAll();
          if (self.socket) { self.confirmed = false; self.socket.disconnect(); self.socket.connect(); }
        }
      } else if (key === "transcript:" + self.sessionId) {
        var near = self.nearBottom();
        self.items = self.store.get(key, []);
        self.renderAll();
        if (near) self.scrollTo(self.log.scrollHeight);
      }
    });
  };

  Widget.prototype.emit = function (message, item, node) {
    this.claim();
    if (this.confirmed && this.socket && this.socket.connected) {
      this.socket.emit("user_uttered", { message: message, session_id: this.sessionId });
    } else {
      this.queue.push({ message: message, item: item, node: node });
      this.connect();
    }
  };

  Widget.prototype.flush = function () {
    var q = this.queue;
    this.queue = [];
    var changed = false;
    for (var i = 0; i < q.length; i++) {
      this.socket.emit("user_uttered", { message: q[i].message, session_id: this.sessionId });
      if (q[i].item && q[i].item.queued) {
        delete q[i].item.queued;
        changed = true;
        var badge = q[i].node && q[i].node.querySelector(".kvw-queued");
        if (badge) badge.remove();
      }
    }
    if (changed) {
      this.save();
      if (q.some(function (x) { return x.item && !x.node; })) this.renderAll();
    }
    if (q.some(function (x) { return x.item; })) this.showTyping(true);
  };

  Widget.prototype.showTyping = function (on) {
    var self = this;
    clearTimeout(this.typingTimer);
    this.typing.hidden = !on;
    if (on) this.typingTimer = setTimeout(function () { self.typing.hidden = true; }, 30000);
  };

  // ------------------------------------------------------------ receiving

  function findCards(data) {
    if (!data || typeof data !== "object") return null;
    var candidates = [data, data.custom, data.data, data.payload, data.json_message,
      data.custom && data.custom.data];
    for (var i = 0; i < candidates.length; i++) {
      var c = candidates[i];
      if (c && typeof c === "object" && c.type === "measure_cards" && Array.isArray(c.cards)) return c;
    }
    return null;
  }

  // "slett samtalen min": the server has deleted the conversation; the browser forgets it too.
  function isDeletedNotice(data) {
    var candidates = [data, data.custom, data.data, data.custom && data.custom.data];
    return candidates.some(function (c) {
      return c && typeof c === "object" && c.type === "conversation_deleted";
    });
  }

  function str(v) { return v === undefined || v === null ? "" : String(v); }

  Widget.prototype.announce = function (text) {
    if (!text) return;
    var p = el("p", null, text);
    this.live.appendChild(p);
    while (this.live.childNodes.length > 5) this.live.removeChild(this.live.firstChild);
  };

  Widget.prototype.onBotMessage = function (data) {
    if (!data || typeof data !== "object") return;
    this.showTyping(false);
    if (!this.isOwner()) return; // another tab of this site shows and stores it
    if (isDeletedNotice(data)) { this.forgetConversation(); return; }
    var found = findCards(data);
    var node;
    if (found) {
      var clean = found.cards.map(function (c) {
        var o = {};
        ["id", "number", "title", "why", "unmet", "requires", "funding", "period", "uncertain", "url",
          "source_label", "last_checked"].forEach(function (k) { o[k] = str(c[k]); });
        return o;
      });
      var labels = {};
      var src = found.labels && typeof found.labels === "object" ? found.labels : {};
      ["fits_because", "does_not_fit", "requires", "funding", "uncertain", "source"].forEach(function (k) {
        if (typeof src[k] === "string" && src[k]) labels[k] = src[k];
      });
      node = this.add({ k: "cards", cards: clean, labels: labels, feedback: {} });
      this.announce(clean.map(function (c) { return (c.number ? c.number + ". " : "") + c.title; }).join(". "));
      this.scheduleSurvey();
      this.afterBotMessage(node);
      return;
    }
    var text = typeof data.text === "string" ? data.text : "";
    var buttons = (data.quick_replies || data.buttons || []).filter(function (b) {
      return b && (b.title || b.payload);
    }).map(function (b) { return { title: str(b.title || b.payload), payload: str(b.payload || b.title) }; });
    var image = data.attachment && data.attachment.type === "image" && data.attachment.payload
      ? str(data.attachment.payload.src) : "";
    if (!text && !buttons.length && !image) return;

    // The bot's short answer to a feedback click is a small note, not a full message.
    if (this.pendingFeedbackAcks > 0 && !buttons.length && text.length < 120) {
      this.pendingFeedbackAcks--;
      var near = this.nearBottom();
      node = this.add({ k: "note", text: text });
      this.announce(text);
      this.afterBotMessage(node, near);
      return;
    }
    var item = { k: "bot", text: text, buttons: buttons };
    if (image) item.image = image;
    node = this.add(item);
    this.announce(text + (buttons.length ? " " + buttons.map(function (b) { return b.title; }).join(", ") : ""));
    this.afterBotMessage(node);
    if (this.surveyDue) {
      // Results end with the advice message; the survey follows it.
      clearTimeout(this.surveyTimer);
      this.surveyTimer = setTimeout(this.addSurvey.bind(this), 400);
    }
  };

  Widget.prototype.scheduleSurvey = function () {
    this.surveyDue = true;
    clearTimeout(this.surveyTimer);
    this.surveyTimer = setTimeout(this.addSurvey.bind(this), 2500);
  };

  Widget.prototype.addSurvey = function () {
    if (!this.surveyDue) return;
    this.surveyDue = false;
    var node = this.add({ k: "survey", id: newSessionId().slice(0, 8) });
    this.afterBotMessage(node);
  };

  // ------------------------------------------------------------ connection

  Widget.prototype.setConn = function (text) {
    this.conn.textContent = text || "";
    this.conn.hidden = !text;
  };

  Widget.prototype.connect = function () {
    var self = this;
    if (this.socket) {
      if (!this.socket.connected && !this.socket.active) this.socket.connect();
      return;
    }
    loadSocketIo(this.cfg.socketioSrc, function (io) {
      if (!io) {
        self.setConn(self.t.unreachable);
        return;
      }
      if (self.socket) return;
      var s = io(self.cfg.server, {
        path: "/socket.io",
        reconnection: true,
        reconnectionDelay: 1000,
        reconnectionDelayMax: 5000,
        timeout: 10000,
      });
      self.socket = s;
      if (!self.everConnected) self.setConn(self.t.connecting);
      s.on("connect", function () { self.requestSession(); });
      s.on("session_confirm", function (sid) { self.onConfirm(sid); });
      s.on("bot_uttered", function (data) { self.onBotMessage(data); });
      s.on("disconnect", function (reason) {
        self.confirmed = false;
        if (reason !== "io client disconnect") self.setConn(self.t.lost);
      });
      s.on("connect_error", function () {
        self.confirmed = false;
        self.setConn(self.everConnected ? self.t.lost : self.t.unreachable);
      });
    });
  };

  Widget.prototype.requestSession = function () {
    this.isNew = !this.sessionId;
    if (!this.sessionId) {
      this.sessionId = newSessionId();
      this.store.set("session", this.sessionId);
      this.items = [];
    }
    this.socket.emit("session_request", { session_id: this.sessionId });
  };

  Widget.prototype.onConfirm = function (sid) {
    if (sid && sid !== this.sessionId) return; // a stale confirm from before a restart
    var wasLost = this.everConnected && !this.conn.hidden;
    this.confirmed = true;
    this.everConnected = true;
    if (wasLost) {
      this.setConn(this.t.back);
      var self = this;
      setTimeout(function () { if (self.confirmed && self.conn.textContent === self.t.back) self.setConn(""); }, 2500);
    } else {
      this.setConn("");
    }
    var fresh = !this.items.length && !this.greeted;
    if (fresh && this.cfg.greeting) {
      this.greeted = true;
      this.claim();
      this.socket.emit("user_uttered", { message: greetingPayload(this.cfg), session_id: this.sessionId });
      this.showTyping(true);
    }
    this.flush();
  };

  // On a nynorsk page a bare intent payload carries the language ("/greet" ->
  // '/greet{"language": "nn"}'), so the first answer is in nynorsk; after that the bot follows what
  // the user writes. Bokmål is the bot's default and needs nothing.
  function greetingPayload(cfg) {
    var g = cfg.greeting;
    return cfg.lang === "nn" && /^\/[A-Za-z_]+$/.test(g) ? g + '{"language": "nn"}' : g;
  }

  // Keep only the server's confirmation on screen, drop the stored transcript and continue with
  // a new conversation id, so nothing of the deleted conversation stays in this browser.
  Widget.prototype.forgetConversation = function () {
    var last = null;
    for (var i = this.items.length - 1; i >= 0; i--) {
      if (this.items[i].k === "bot") { last = this.items[i]; break; }
    }
    if (this.sessionId) this.store.remove("transcript:" + this.sessionId);
    this.sessionId = newSessionId();
    this.store.set("session", this.sessionId);
    this.items = last ? [{ k: "bot", text: last.text, buttons: [] }] : [];
    this.surveyDue = false;
    clearTimeout(this.surveyTimer);
    this.save();
    this.renderAll();
    this.confirmed = false;
    if (this.socket) {
      this.socket.disconnect();
      this.socket.connect();
    }
  };

  Widget.prototype.restart = function () {
    this.claim();
    if (this.sessionId) this.store.remove("transcript:" + this.sessionId);
    this.sessionId = newSessionId();
    this.store.set("session", this.sessionId);
    this.items = [];
    this.queue = [];
    this.greeted = false;
    this.surveyDue = false;
    this.pendingFeedbackAcks = 0;
    clearTimeout(this.surveyTimer);
    this.renderAll();
    this.showTyping(false);
    this.announce(this.t.restartConfirm);
    this.confirmed = false;
    if (this.socket) {
      // A new socket id, so the old session's room is left behind.
      this.socket.disconnect();
      this.socket.connect();
    } else {
      this.connect();
    }
    this.input.focus();
  };

  var ioWaiters = null;
  function loadSocketIo(src, cb) {
    if (window.io) return cb(window.io);
    if (ioWaiters) { ioWaiters.push(cb); return; }
    ioWaiters = [cb];
    var s = document.createElement("script");
    s.src = src;
    s.async = true;
    var done = function () {
      var w = ioWaiters;
      ioWaiters = null;
      w.forEach(function (f) { f(window.io || null); });
    };
    s.onload = done;
    s.onerror = done;
    document.head.appendChild(s);
  }

  // ------------------------------------------------------------ boot

  function boot() {
    var cfg = readConfig();
    var widget = new Widget(cfg);
    var start = function () {
      widget.mount();
      // Connect at once when a conversation exists, so messages are not missed after a reload.
      if (widget.sessionId) widget.connect();
    };
    var css = document.createElement("link");
    css.rel = "stylesheet";
    css.href = cfg.cssHref;
    css.onload = start;
    css.onerror = start;
    document.head.appendChild(css);
    window.KVWidget = {
      mounted: true,
      version: "1.0.0",
      open: function () { widget.open(true); },
      close: function () { widget.close(); },
      restart: function () { widget.restart(); },
      sessionId: function () { return widget.sessionId; },
      // The bot-text renderer, for integrators and tests: returns a detached element.
      renderText: function (text) {
        var d = el("div", "kvw-text");
        renderBotText(d, String(text), widget.t);
        return d;
      },
    };
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", boot);
  else boot();
})();
