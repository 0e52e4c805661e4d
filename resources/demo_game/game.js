// LuckyMonaco sandbox demo game. Session data comes from the JSON block the server
// injects; every text goes through textContent (nicknames are user input).
(function () {
  "use strict";

  var data = JSON.parse(document.getElementById("session-data").textContent);
  var words = data.strings;
  var token = new URLSearchParams(window.location.search).get("token") || "";
  var SYMBOLS = data.symbols;
  var REELS = 5;
  var ROWS = 3;
  var FILLER = 14; // random symbols that fly past on each reel while it spins

  document.documentElement.lang = data.language;

  var el = function (id) { return document.getElementById(id); };
  var reelsBox = el("reels");
  var spinButton = el("spin");
  var betDown = el("bet-down");
  var betUp = el("bet-up");

  var state = {
    balance: data.balance,
    betIndex: Math.min(2, data.bets.length - 1),
    spinning: false,
    grid: data.initial_reels
  };

  // Numbers and money in the player's language and currency (KRW and JPY without
  // decimals, and so on), whatever language the words fall back to.
  var money = (function () {
    var formatter = null;
    try {
      formatter = new Intl.NumberFormat(data.language, { style: "currency", currency: data.currency });
    } catch (err) {
      formatter = null; // a malformed or unknown code: show the number and the code
    }
    var plain = new Intl.NumberFormat(data.language, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
    return function (amount) {
      return formatter ? formatter.format(amount) : plain.format(amount) + " " + data.currency;
    };
  })();
  var number = new Intl.NumberFormat(data.language).format;

  function t(key) { return words[key] || key; }

  function symbolSvg(name) {
    var ns = "http://www.w3.org/2000/svg";
    var svg = document.createElementNS(ns, "svg");
    svg.setAttribute("viewBox", "0 0 100 100");
    svg.setAttribute("aria-hidden", "true");
    var use = document.createElementNS(ns, "use");
    use.setAttribute("href", "#sym-" + name);
    svg.appendChild(use);
    return svg;
  }

  function cell(name) {
    var div = document.createElement("div");
    div.className = "cell";
    div.dataset.symbol = name;
    div.appendChild(symbolSvg(name));
    return div;
  }

  function randomSymbol() {
    return SYMBOLS[Math.floor(Math.random() * SYMBOLS.length)];
  }

  // Each reel is a window three cells high over a strip of cells that slides down.
  var strips = [];
  function buildReels() {
    for (var r = 0; r < REELS; r++) {
      var reel = document.createElement("div");
      reel.className = "reel";
      var strip = document.createElement("div");
      strip.className = "strip";
      for (var row = 0; row < ROWS; row++) strip.appendChild(cell(state.grid[r][row]));
      reel.appendChild(strip);
      reelsBox.appendChild(reel);
      strips.push(strip);
    }
  }

  function animateReel(index, finalColumn, duration) {
    return new Promise(function (resolve) {
      var strip = strips[index];
      var current = Array.prototype.map.call(strip.children, function (c) { return c.dataset.symbol; }).slice(0, ROWS);
      strip.textContent = "";
      var order = finalColumn.slice();
      for (var i = 0; i < FILLER + index * 3; i++) order.push(randomSymbol());
      order = order.concat(current);
      order.forEach(function (name) { strip.appendChild(cell(name)); });
      var offset = ((order.length - ROWS) / order.length) * 100;
      strip.style.transition = "none";
      strip.style.transform = "translateY(-" + offset + "%)";
      void strip.offsetHeight; // commit the start position before animating
      strip.classList.add("spinning");
      strip.style.transition = "transform " + duration + "ms cubic-bezier(0.2, 0.1, 0.25, 1.08)";
      strip.style.transform = "translateY(0)";
      var done = false;
      var finish = function () {
        if (done) return;
        done = true;
        strip.classList.remove("spinning");
        strip.style.transition = "none";
        strip.style.transform = "none";
        while (strip.children.length > ROWS) strip.removeChild(strip.lastChild);
        resolve();
      };
      strip.addEventListener("transitionend", finish, { once: true });
      setTimeout(finish, duration + 200); // in case transitionend never fires (hidden view)
    });
  }

  function render() {
    el("balance").textContent = money(state.balance);
    el("bet").textContent = money(data.bets[state.betIndex]);
    betDown.disabled = state.spinning || state.betIndex === 0;
    betUp.disabled = state.spinning || state.betIndex === data.bets.length - 1;
    spinButton.disabled = state.spinning;
  }

  function say(text, mood) {
    var message = el("message");
    message.textContent = text;
    message.className = "message" + (mood ? " " + mood : "");
  }

  function clearHits() {
    Array.prototype.forEach.call(reelsBox.querySelectorAll(".cell.hit"), function (c) { c.classList.remove("hit"); });
    el("banner").hidden = true;
  }

  function showWins(result) {
    result.wins.forEach(function (win) {
      win.cells.forEach(function (pos) {
        strips[pos[0]].children[pos[1]].classList.add("hit");
      });
    });
    el("win").textContent = money(result.win);
    if (result.win > 0) {
      var big = result.win >= result.bet * 10;
      el("banner-title").textContent = big ? t("big_win") : t("win");
      el("banner-amount").textContent = money(result.win);
      el("banner").hidden = false;
      say(t("you_won").replace("{amount}", money(result.win)), "good");
    } else {
      say(t("no_win"));
    }
  }

  function spin() {
    if (state.spinning) return;
    var bet = data.bets[state.betIndex];
    if (bet > state.balance + 1e-9) {
      say(t("insufficient"), "bad");
      return;
    }
    state.spinning = true;
    clearHits();
    state.balance -= bet;
    el("win").textContent = money(0);
    say(t("good_luck"));
    render();
    fetch("/game/spin", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ token: token, bet: bet }),
      cache: "no-store"
    }).then(function (response) {
      return response.json().then(function (body) {
        if (!response.ok) throw new Error(body && body.error ? body.error.code : "failed");
        return body;
      });
    }).then(function (result) {
      var stops = result.reels.map(function (column, i) { return animateReel(i, column, 900 + i * 220); });
      return Promise.all(stops).then(function () {
        state.balance = result.balance;
        state.grid = result.reels;
        el("round").textContent = t("round") + " " + result.transaction_id;
        showWins(result);
      });
    }).catch(function (err) {
      state.balance += bet;
      var code = err && err.message;
      say(code === "insufficient_balance" ? t("insufficient") : code === "session_expired" ? t("expired") : t("connection"), "bad");
    }).then(function () {
      state.spinning = false;
      render();
    });
  }

  function init() {
    el("game-title").textContent = data.game_name;
    el("nickname").textContent = data.nickname;
    el("avatar").textContent = (Array.from(data.nickname.trim())[0] || "?").toUpperCase();
    el("player").title = t("player") + ": " + data.nickname;
    Array.prototype.forEach.call(document.querySelectorAll("[data-i18n]"), function (node) {
      node.textContent = t(node.getAttribute("data-i18n"));
    });
    Array.prototype.forEach.call(document.querySelectorAll("[data-i18n-label]"), function (node) {
      node.setAttribute("aria-label", t(node.getAttribute("data-i18n-label")));
      node.title = t(node.getAttribute("data-i18n-label"));
    });
    spinButton.style.setProperty("--chars", Math.max(4, Array.from(t("spin")).length));
    reelsBox.setAttribute("aria-label", data.game_name);
    buildReels();
    el("win").textContent = money(0);
    el("lines-info").textContent = number(REELS) + " × " + number(ROWS);
    Array.prototype.forEach.call(document.querySelectorAll(".lines span"), function (node) {
      node.textContent = number(Number(node.textContent));
    });
    showFallback();
    say(t("good_luck"));
    render();

    spinButton.addEventListener("click", spin);
    betDown.addEventListener("click", function () { state.betIndex = Math.max(0, state.betIndex - 1); render(); });
    betUp.addEventListener("click", function () { state.betIndex = Math.min(data.bets.length - 1, state.betIndex + 1); render(); });
    document.addEventListener("keydown", function (event) {
      if ((event.code === "Space" || event.key === "Enter") && event.target === document.body) {
        event.preventDefault();
        spin();
      }
    });
    if (data.page_errors) misbehave();
    document.body.dataset.ready = "true";
  }

  // Says on the page when the session's language has no translation, by name.
  function showFallback() {
    if (data.shown_language === data.language) return;
    var name = data.language;
    try {
      name = new Intl.DisplayNames([data.shown_language], { type: "language" }).of(data.language) || name;
    } catch (err) {
      name = data.language; // not a language tag Intl accepts: show the code
    }
    var note = el("lang-note");
    note.textContent = t("fallback").replace("{language}", name + " (" + data.language + ")");
    note.title = note.textContent;
    note.hidden = false;
  }

  // The page_errors fault: what a broken game does, for the console's diagnostics to
  // catch - an uncaught-looking console error, an image that is not there (404) and a
  // long task that blocks the main thread for ~300 ms.
  function misbehave() {
    console.error("demo game: page_errors fault: symbol atlas failed to load");
    var img = new Image();
    img.className = "sprite";
    img.alt = "";
    img.src = "/game/static/missing-symbol-atlas.png";
    document.body.appendChild(img);
    var until = performance.now() + 300;
    while (performance.now() < until) { /* busy on purpose */ }
  }

  init();
})();
