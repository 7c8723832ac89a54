/*
 * planfolio's tables that scroll sideways in their box (a plan's partners, the home
 * page's methods by year): a box is a stop of the keyboard, to scroll it with the arrow
 * keys, only while its table is wider than it. A box that shows its whole table would be
 * a stop that does nothing.
 *
 * The pages give every box tabindex="0", which this script takes away from a box that
 * does not scroll, and gives back when a narrower window makes it scroll. Without the
 * script each box stays a stop: one stop too many is better than a table a keyboard
 * cannot scroll. A box keeps its role and name (role="region", its label) either way.
 */
;(function (window, document) {
  'use strict'

  var boxes = document.querySelectorAll('.table-scroll')
  if (!boxes.length || !window.ResizeObserver) return

  function update (box) {
    if (box.scrollWidth > box.clientWidth) box.setAttribute('tabindex', '0')
    else box.removeAttribute('tabindex')
  }

  // A box changes its width with the window; its table, with the fonts and the text.
  var observer = new window.ResizeObserver(function (entries) {
    entries.forEach(function (entry) {
      update(entry.target.closest('.table-scroll'))
    })
  })
  Array.prototype.forEach.call(boxes, function (box) {
    update(box) // at once, not at the observer's first call, a frame later
    observer.observe(box)
    if (box.firstElementChild) observer.observe(box.firstElementChild)
  })
})(window, document)
