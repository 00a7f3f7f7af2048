// Scan a QR code with the device's camera where the browser can (BarcodeDetector); the page
// works without this script: paste the code or choose a photo.
(function () {
  "use strict";
  var box = document.querySelector("[data-scan]");
  if (!box || !("BarcodeDetector" in window) || !navigator.mediaDevices) return;
  var form = box.closest("form");
  var code = form.querySelector("textarea[name=code]");
  var video = box.querySelector("[data-scan-video]");
  var start = box.querySelector("[data-scan-start]");
  var stop = box.querySelector("[data-scan-stop]");
  var status = box.querySelector("[data-scan-status]");
  var stream = null;
  var detector = null;

  function end() {
    if (stream) stream.getTracks().forEach(function (track) { track.stop(); });
    stream = null;
    video.hidden = true;
    stop.hidden = true;
    start.hidden = false;
  }

  function look() {
    if (!stream) return;
    detector.detect(video).then(function (found) {
      var qr = found.find(function (item) { return item.rawValue; });
      if (qr) {
        code.value = qr.rawValue;
        status.textContent = status.dataset.found;
        end();
        form.requestSubmit();
      } else {
        window.requestAnimationFrame(look);
      }
    }, function () { window.requestAnimationFrame(look); });
  }

  window.BarcodeDetector.getSupportedFormats().then(function (formats) {
    if (formats.indexOf("qr_code") < 0) return;
    detector = new window.BarcodeDetector({ formats: ["qr_code"] });
    box.hidden = false;
  });

  start.addEventListener("click", function () {
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } }).then(
      function (opened) {
        stream = opened;
        video.srcObject = stream;
        video.hidden = false;
        start.hidden = true;
        stop.hidden = false;
        status.textContent = status.dataset.reading;
        video.play().then(look);
      },
      function () { status.textContent = status.dataset.failed; }
    );
  });
  stop.addEventListener("click", end);
})();
