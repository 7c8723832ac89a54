// The preview's reload script. The preview server adds it to the HTML pages it serves; it is
// never written into the built site. The page knows the number of the build it came from and
// asks the server to answer once the builds change: a newer good build reloads the page, a
// failed build or errors in the plans are shown over the page, naming file and line.
(function () {
  "use strict";
  var script = document.currentScript;
  var build = Number(script.dataset.build);
  var waitUrl = new URL("wait", script.src).href;
  var boxId = "planfolio-problems";

  function show(state) {
    var old = document.getElementById(boxId);
    if (old) {
      old.remove();
    }
    if (!state.errors.length) {
      return;
    }
    var box = document.createElement("aside");
    box.id = boxId;
    box.setAttribute("role", "alert");
    box.style.cssText =
      "position:fixed;left:0;right:0;bottom:0;z-index:2147483647;max-height:50vh;overflow:auto;" +
      "margin:0;padding:1em 1.5em;background:#7a1010;color:#fff;font:14px/1.5 monospace;" +
      "box-shadow:0 -2px 8px rgba(0,0,0,.4)";
    var title = document.createElement("p");
    title.style.cssText = "margin:0 0 .5em;font-weight:bold";
    title.textContent = state.failed
      ? "The last change could not be built. This page is from build " + build + ", the last good one."
      : state.errors.length + (state.errors.length === 1 ? " error" : " errors") + " in the plans:";
    var list = document.createElement("ul");
    list.style.cssText = "margin:0;padding-left:1.5em";
    state.errors.forEach(function (line) {
      var item = document.createElement("li");
      item.textContent = line;
      list.appendChild(item);
    });
    var hide = document.createElement("button");
    hide.type = "button";
    hide.textContent = "Hide";
    hide.style.cssText = "margin-top:.5em";
    hide.addEventListener("click", function () {
      box.remove();
    });
    box.append(title, list, hide);
    document.body.appendChild(box);
  }

  function wait(version) {
    fetch(waitUrl + "?version=" + version, { cache: "no-store" })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("HTTP " + response.status);
        }
        return response.json();
      })
      .then(function (state) {
        if (state.build !== build) {
          location.reload();
          return;
        }
        show(state);
        wait(state.version);
      })
      .catch(function () {
        // The server is restarting or gone: ask again a little later.
        setTimeout(function () {
          wait(version);
        }, 1000);
      });
  }

  // No version is -1: the first answer comes at once, with the errors to show now.
  wait(-1);
})();
