// The preview's reload script. The preview server adds it to the HTML pages it serves; it is
// never written into the built site. The page knows the number of the build it came from and
// asks the server to answer once the builds change: a newer good build reloads the page, a
// failed build or errors in the plans are shown over the page, naming file and line.
(function () {
  "use strict";
  // The box's words in the site's language, by their English: the server puts them in here
  // from the site language's catalogue (none in English). Plurals come by CLDR category.
  var messages = {};
  var pluralRules = new Intl.PluralRules(document.documentElement.lang || "en");
  var script = document.currentScript;
  var build = Number(script.dataset.build);
  var server = script.dataset.server || "";
  // A page behind the plans (a list of plans, or the search page, whose files follow the
  // pages after a save) reloads once the build has caught up; the others need not.
  var lagging = script.dataset.complete === "false";
  // The plan this page is of, or the page itself: a reload keeps the place on the page,
  // even when the plan's page moved (a new title) and the server sent it there.
  var place = "planfolio-place";
  var key = script.dataset.plan ? "plan:" + script.dataset.plan : "page:" + location.pathname;
  var waitUrl = new URL("wait", script.src).href;
  var asking = null; // the poll under way, to drop when the page is hidden or left
  var boxId = "planfolio-problems";
  // The problems hidden with the box's button are not shown again in this tab, across
  // reloads and pages, until they change.
  var dismissedKey = "planfolio-dismissed";
  var dismissed = null;
  try {
    dismissed = sessionStorage.getItem(dismissedKey);
  } catch (error) {
    // Storage refused (a private window): hidden on this page only.
  }

  function format(text, values) {
    return text.replace(/%\((\w+)\)s/g, function (whole, name) {
      return values && name in values ? String(values[name]) : whole;
    });
  }

  function _(message, values) {
    var translated = messages[message];
    return format(typeof translated === "string" ? translated : message, values);
  }

  function ngettext(singular, plural, count) {
    var forms = messages[singular];
    var text = forms && typeof forms === "object"
      ? forms[pluralRules.select(count)] || forms.other
      : count === 1 ? singular : plural;
    return format(text, { count: count });
  }

  function show(state) {
    var old = document.getElementById(boxId);
    if (old) {
      old.remove();
    }
    var shown = JSON.stringify([state.failed, state.errors]);
    if (!state.errors.length || shown === dismissed) {
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
    var errors = state.errors.length;
    title.textContent = state.failed
      ? (build ? _("The last change could not be built. This page is from build %(build)s, the last good one.",
        { build: build }) : _("The site could not be built yet."))
      : ngettext("%(count)s error in the plans:", "%(count)s errors in the plans:", errors);
    var list = document.createElement("ul");
    list.style.cssText = "margin:0;padding-left:1.5em";
    state.errors.forEach(function (line) {
      var item = document.createElement("li");
      item.textContent = line;
      list.appendChild(item);
    });
    var hide = document.createElement("button");
    hide.type = "button";
    hide.textContent = _("Hide");
    hide.style.cssText = "margin-top:.5em";
    hide.addEventListener("click", function () {
      dismissed = shown;
      try {
        sessionStorage.setItem(dismissedKey, shown);
      } catch (error) {
        // Storage refused: hidden on this page only.
      }
      box.remove();
    });
    box.append(title, list, hide);
    document.body.appendChild(box);
  }

  // Only a page in view asks: a browser opens six connections to a server at most, and
  // each open page's poll holds one, so hidden tabs would hold up every other request.
  function wait(version) {
    if (document.visibilityState === "hidden") {
      return;
    }
    var controller = typeof AbortController === "function" ? new AbortController() : null;
    asking = controller;
    var plan = script.dataset.plan ? "&plan=" + encodeURIComponent(script.dataset.plan) : "";
    fetch(waitUrl + "?version=" + version + plan, { cache: "no-store", signal: controller && controller.signal })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("HTTP " + response.status);
        }
        return response.json();
      })
      .then(function (state) {
        if (asking !== controller) {
          return;
        }
        if (state.build !== build || (server && state.server !== server) || (lagging && state.complete)) {
          reload(state.page);
          return;
        }
        show(state);
        wait(state.version);
      })
      .catch(function () {
        if (asking !== controller || (controller && controller.signal.aborted)) {
          return;
        }
        // The server is restarting or gone: ask again a little later, for the state as it is.
        setTimeout(function () {
          if (asking === controller) {
            wait(-1);
          }
        }, 1000);
      });
  }

  // A plan's page goes where its plan's page is now (page, from the server): its address may
  // be another plan's since the build (it took the title), and the author follows the plan.
  function reload(page) {
    try {
      sessionStorage.setItem(place, JSON.stringify({ key: key, y: window.scrollY }));
    } catch (error) {
      // Storage refused (a private window, or full): the page reloads at its top.
    }
    if (page && page !== location.pathname) {
      location.replace(page);
    } else {
      location.reload();
    }
  }

  function restore() {
    var saved = null;
    try {
      saved = JSON.parse(sessionStorage.getItem(place));
      sessionStorage.removeItem(place);
    } catch (error) {
      return;
    }
    if (saved && saved.key === key) {
      window.scrollTo(0, saved.y);
    }
  }

  function stop() {
    if (asking) {
      asking.abort();
    }
    asking = null;
  }

  document.addEventListener("visibilitychange", function () {
    stop();
    wait(-1);
  });
  window.addEventListener("pagehide", stop);
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) {
      wait(-1);
    }
  });

  restore();
  // No version is -1: the first answer comes at once, with the errors to show now.
  wait(-1);
})();
