// The hidden checker of a curriculum page. The goal is installed by the environment after load (never in the DOM):
//   {conditions: [{cid, prop: "value"|"checked"|"clicked", equals}], terminal: cid|null, wrong: [cid]}
// A click on a `wrong` element fails the episode; a click on `terminal` ends it, succeeding when every condition
// holds; with no terminal the episode succeeds as soon as every condition holds.
(function () {
  var goal = null;
  var state = { clicked: {}, finished: false, success: false, reason: null };

  function byCid(cid) { return document.querySelector('[data-cid="' + cid + '"]'); }

  function holds(c) {
    var e = byCid(c.cid);
    if (!e) { return false; }
    if (c.prop === 'clicked') { return !!state.clicked[c.cid]; }
    if (c.prop === 'checked') { return e.checked === c.equals; }
    if (c.prop === 'value') { return String(e.value || '').trim() === String(c.equals); }
    return false;
  }

  function unmet() { return goal ? goal.conditions.filter(function (c) { return !holds(c); }) : []; }

  function finish(ok, reason) {
    if (state.finished) { return; }
    state.finished = true;
    state.success = ok;
    state.reason = reason;
  }

  window.__curriculum_install = function (g) {
    goal = g;
    state = { clicked: {}, finished: false, success: false, reason: null };
    return true;
  };

  window.__curriculum_eval = function () {
    if (!goal) { return null; }
    if (!state.finished && !goal.terminal && unmet().length === 0) { finish(true, 'all conditions hold'); }
    return { done: state.finished, success: state.success, reason: state.reason, unmet: unmet().length };
  };

  // Capture phase: runs before the page's own handlers, so values are read as they were when the click landed.
  document.addEventListener('click', function (ev) {
    var target = ev.target.closest ? ev.target.closest('[data-cid]') : null;
    if (!target || !goal) { return; }
    var cid = target.getAttribute('data-cid');
    if (state.finished) { return; }
    if (goal.wrong.indexOf(cid) >= 0) { finish(false, 'clicked a wrong element: ' + (target.textContent || cid).trim()); return; }
    state.clicked[cid] = true;
    if (goal.terminal === cid) {
      var missing = unmet();
      finish(missing.length === 0, missing.length ? missing.length + ' condition(s) unmet at submit' : 'submitted');
    }
  }, true);

  // Page behaviour shared by all templates: tabs, dialogs, toggles.
  document.addEventListener('click', function (ev) {
    var el = ev.target.closest ? ev.target.closest('[data-action]') : null;
    if (!el) { return; }
    var action = el.getAttribute('data-action');
    var arg = el.getAttribute('data-arg');
    if (action === 'tab') {
      document.querySelectorAll('[role="tab"]').forEach(function (t) {
        t.setAttribute('aria-selected', t === el ? 'true' : 'false');
      });
      document.querySelectorAll('[role="tabpanel"]').forEach(function (p) { p.hidden = p.id !== arg; });
    } else if (action === 'open') {
      document.getElementById(arg).hidden = false;
    } else if (action === 'close') {
      document.getElementById(arg).hidden = true;
    }
    if (el.tagName === 'A') { ev.preventDefault(); }
  });
})();
