// Send the upload form with XMLHttpRequest so a progress bar can follow it.
// Without JavaScript the form still posts normally.
(function () {
  "use strict";
  const form = document.getElementById("upload-form");
  if (!form) return;
  const progress = document.getElementById("upload-progress");
  const message = document.getElementById("upload-message");
  const button = form.querySelector("button[type=submit]");

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    const request = new XMLHttpRequest();
    request.open("POST", form.action || window.location.href);
    request.setRequestHeader("Accept", "application/json");
    request.upload.addEventListener("progress", function (e) {
      if (e.lengthComputable) progress.value = Math.round((100 * e.loaded) / e.total);
    });
    request.addEventListener("load", function () {
      let body = {};
      try { body = JSON.parse(request.responseText); } catch (ignored) { /* not JSON */ }
      if (request.status === 201 && body.url) {
        window.location.assign(body.url);
        return;
      }
      finish(body.detail || "The upload failed (HTTP " + request.status + ").");
    });
    request.addEventListener("error", function () { finish("The upload failed: network error."); });
    message.textContent = "";
    progress.value = 0;
    progress.hidden = false;
    button.disabled = true;
    request.send(new FormData(form));
  });

  function finish(text) {
    message.textContent = text;
    progress.hidden = true;
    button.disabled = false;
  }
})();
