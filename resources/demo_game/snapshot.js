// Formats the snapshot page's amounts and time in the round's language and currency.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("snapshot-data").textContent);
  var formatter = null;
  try {
    formatter = new Intl.NumberFormat(data.language, { style: "currency", currency: data.currency });
  } catch (err) {
    formatter = null; // unknown code: keep the server's "1,000.00 IDX"
  }
  if (formatter) {
    Array.prototype.forEach.call(document.querySelectorAll("[data-amount]"), function (node) {
      node.textContent = formatter.format(Number(node.getAttribute("data-amount")));
    });
  }
  Array.prototype.forEach.call(document.querySelectorAll("time[datetime]"), function (node) {
    var when = new Date(node.getAttribute("datetime"));
    // dateStyle/timeStyle cannot be combined with timeZoneName: name the zone by hand.
    node.textContent = new Intl.DateTimeFormat(data.language, {
      dateStyle: "medium", timeStyle: "medium", timeZone: "UTC"
    }).format(when) + " UTC";
  });
  document.body.dataset.ready = "true";
})();
