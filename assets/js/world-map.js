/*
 * planfolio world maps (the macro world_map of templates/_charts.html): the country
 * pointed at or focused is named in the line under the map, and ringed above its
 * neighbours.
 *
 * A country's name and number of plans are its link's <title>, which a browser shows
 * only as a tooltip under a pointer held still: a keyboard never brings it up. The line
 * shows that title, so it needs no message of its own; the page hides it without this
 * script, which keeps it current. The ring is a copy of the country's shape drawn last
 * in the SVG: on the shape itself, the neighbours drawn after it would cover its edge.
 * Without the script the map reads as before: tooltips, focus outlines and its table.
 */
;(function (window, document) {
  'use strict'

  var SVG = 'http://www.w3.org/2000/svg'
  var FOCUS_SPARE = 5 // pixels between a focused country and its outline
  var HIT_RADIUS = 14 // pixels around an island's dot that take a tap or a click

  // The link of a country (its <a> has a <title>) that an event happened in, or null.
  function countryOf (target) {
    var link = target instanceof Element ? target.closest('a') : null
    return link && link.querySelector('title') ? link : null
  }

  function setUp (map) {
    var svg = map.querySelector('svg')
    var status = map.querySelector('.map-status')
    if (!svg || !status) return
    var resting = status.textContent
    var ring = document.createElementNS(SVG, 'g')
    ring.setAttribute('class', 'map-ring')
    svg.appendChild(ring)
    var focused = null
    var pointed = null

    // The latest country pointed at or focused is shown; leaving it shows the other, if any.
    function show (link) {
      status.textContent = link ? link.querySelector('title').textContent : resting
      status.classList.toggle('map-status-country', link !== null)
      while (ring.firstChild) ring.removeChild(ring.firstChild)
      if (!link) return
      Array.prototype.forEach.call(link.querySelectorAll('path, .map-marker'), function (shape) {
        ['map-ring-halo', 'map-ring-line'].forEach(function (kind) {
          var copy = shape.cloneNode(false)
          copy.setAttribute('class', kind)
          ring.appendChild(copy)
        })
      })
      if (link === focused && link.matches(':focus-visible')) ring.appendChild(focusBox(link))
    }

    // The focus outline, around the country's box with a few pixels to spare: the one the
    // browser draws around the link is covered in part by the countries drawn after it.
    function focusBox (link) {
      var box = link.querySelector('path, .map-marker').getBBox()
      var spare = FOCUS_SPARE * svg.viewBox.baseVal.width / svg.getBoundingClientRect().width
      var rect = document.createElementNS(SVG, 'rect')
      rect.setAttribute('class', 'map-ring-focus')
      rect.setAttribute('x', box.x - spare)
      rect.setAttribute('y', box.y - spare)
      rect.setAttribute('width', box.width + 2 * spare)
      rect.setAttribute('height', box.height + 2 * spare)
      rect.setAttribute('rx', spare)
      return rect
    }

    // On the map's box, not the SVG: Chromium makes an SVG element with focus listeners a
    // stop of the keyboard of its own.
    map.addEventListener('focusin', function (event) {
      focused = countryOf(event.target)
      show(focused || pointed)
    })
    map.addEventListener('focusout', function () {
      focused = null
      show(pointed)
    })
    svg.addEventListener('pointerover', function (event) {
      pointed = countryOf(event.target)
      show(pointed || focused)
    })
    svg.addEventListener('pointerleave', function () {
      pointed = null
      show(focused)
    })
    status.hidden = false
    map.classList.add('map-ringed')

    // An island's dot takes taps in a circle of HIT_RADIUS pixels, however small the map is drawn.
    var hits = map.querySelectorAll('.map-hit')
    function sizeHits () {
      var drawn = svg.getBoundingClientRect().width
      if (!drawn) return
      var radius = (HIT_RADIUS * svg.viewBox.baseVal.width / drawn).toFixed(1)
      Array.prototype.forEach.call(hits, function (hit) { hit.setAttribute('r', radius) })
    }
    if (hits.length) {
      sizeHits()
      if (window.ResizeObserver) new window.ResizeObserver(sizeHits).observe(svg)
    }
  }

  Array.prototype.forEach.call(document.querySelectorAll('.world-map'), setUp)
})(window, document)
