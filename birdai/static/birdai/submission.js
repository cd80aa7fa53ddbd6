// While a submission waits for the model, ask the API for its status every two
// seconds and reload the page (rendered by the server) once it has changed.
(function () {
  "use strict";
  // The detection boxes, placed from their data-* percentages: through the CSSOM,
  // because the Content-Security-Policy refuses style="" attributes.
  document.querySelectorAll(".annotated .box").forEach(function (box) {
    ["left", "top", "width", "height"].forEach(function (side) {
      box.style[side] = box.dataset[side] + "%";
    });
  });
  const status = document.getElementById("submission-status");
  if (!status) return;
  const waiting = ["pending", "processing"];
  if (!waiting.includes(status.dataset.status)) return;

  function poll() {
    fetch(status.dataset.pollUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (submission) {
        if (submission && submission.status !== status.dataset.status) {
          window.location.reload();
        } else {
          window.setTimeout(poll, 2000);
        }
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 2000);
})();
