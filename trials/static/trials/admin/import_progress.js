// The import page: poll the run's status until it is finished, then show the report.
(function () {
  "use strict";
  const root = document.getElementById("import-run");
  if (!root) return;
  const bar = document.getElementById("import-progress");
  const state = document.getElementById("import-state");
  const count = document.getElementById("import-count");
  const report = document.getElementById("import-report");

  function show(status) {
    bar.max = Math.max(status.total, 1);
    bar.value = status.finished ? bar.max : status.done;
    state.textContent = status.state_label;
    count.textContent = status.done + "/" + status.total;
    if (status.finished) {
      report.replaceChildren(
        ...status.lines.map(function (line) {
          const item = document.createElement("li");
          item.textContent = line;
          return item;
        })
      );
    }
    return status.finished;
  }

  function poll() {
    fetch(root.dataset.statusUrl, { credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (status) { if (!show(status)) window.setTimeout(poll, 1000); })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  poll();
})();
