// The plan editor's live budget: the credits of the checked activities, summed as they are chosen.
// The page works without it (the server counts the credits after each save).
"use strict";
(function () {
  var form = document.getElementById("plan-form");
  var out = document.getElementById("budget");
  if (!form || !out) { return; }
  var budget = parseInt(out.getAttribute("data-budget"), 10) || 0;
  function fill(text, values) {
    return text.replace(/\{(\w+)\}/g, function (m, k) { return k in values ? String(values[k]) : m; });
  }
  function update() {
    var used = 0;
    var boxes = form.querySelectorAll("input[type=checkbox][name=activity]");
    for (var i = 0; i < boxes.length; i++) {
      if (boxes[i].checked) { used += parseInt(boxes[i].getAttribute("data-credits"), 10) || 0; }
    }
    var left = budget - used;
    var values = { used: used, budget: budget, left: left, over: -left };
    out.textContent = fill(out.getAttribute(left < 0 ? "data-over" : "data-text"), values);
    out.classList.toggle("over", left < 0);
  }
  form.addEventListener("change", function (e) {
    if (e.target && e.target.name === "activity") { update(); }
  });
})();
