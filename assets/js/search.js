/*
 * planfolio search page: fills <div id="search-app"> on search.html.
 *
 * Load after lunr.js, search-pipeline.js and search-index.js. It searches the small
 * index at once, then loads search-fulltext.js (the URL in the app's data-fulltext
 * attribute), builds the full index when the browser is idle and searches again.
 * Everything lives in the page: no requests besides that script tag, so the page
 * works from file://.
 *
 * The query and the filters live in the URL (?q=...&country=...&method=...&year=...),
 * read on load and on popstate, and written back with history.replaceState.
 *
 * A query is run in this order:
 *   1. accents folded and lone + and - signs (a dash between words) dropped, then
 *      parsed with lunr's query syntax; when it does not parse, the syntax
 *      characters are read as spaces and the words searched as plain terms;
 *   2. terms with nothing to search are left out: stop words, bare wildcards, and
 *      wildcards or typo tolerances that match too many words of the index;
 *   3. unless the query marks a term with + itself, every plain term is required;
 *      when no plan has them all, the plans with any of them are shown instead.
 *
 * The app's data-index attribute says which index the results come from: "brief",
 * then "full" (or "failed" when search-fulltext.js could not be loaded).
 */
;(function (window, document) {
  'use strict'

  var lunr = window.lunr
  var tools = window.PlanfolioSearch
  var data = window.PLANFOLIO_SEARCH
  var app = document.getElementById('search-app')
  if (!app) return
  if (!lunr || !tools || !data) {
    app.textContent = 'The search index could not be loaded.'
    return
  }

  var PAGE_SIZE = 50
  var DEBOUNCE_MS = 200
  var FACET_SHOWN = 8 // values listed before "Show all"
  var MAX_EXPANSION = 2000 // index words one wildcard or typo tolerance may stand for
  var MAX_EDIT_DISTANCE = 2
  var SYNTAX = /[+\-:*~^\\]/g
  var LONE_SIGNS = /(^|\s)[+\-]+(?=\s|$)/g
  var SEPARATOR = /([\s\-]+)/ // lunr.tokenizer.separator, kept in the split
  var REQUIRED = lunr.Query.presence.REQUIRED
  var OPTIONAL = lunr.Query.presence.OPTIONAL
  var PROHIBITED = lunr.Query.presence.PROHIBITED

  var documents = data.documents
  var fullFields = data.fulltextFields || data.index.fields

  var FACETS = [
    { param: 'country', legend: 'Country', plural: 'countries', byCount: true, values: function (doc) { return doc.country ? [doc.country] : [] } },
    { param: 'method', legend: 'Method', plural: 'methods', byCount: true, values: function (doc) { return doc.methods } },
    { param: 'year', legend: 'Year', plural: 'years', byCount: false, values: function (doc) { return doc.year == null ? [] : [String(doc.year)] } }
  ]

  // ---------- Facet values: spelling variants share one key ----------

  function valueKey (value) {
    return tools.foldAccents(String(value)).toLowerCase().replace(/[^a-z0-9]+/g, ' ').trim()
  }

  // Per facet, per document: its value keys; per facet: the most used spelling of each key.
  var docKeys = FACETS.map(function () { return [] })
  var labels = FACETS.map(function (facet, f) {
    var spellings = {}
    documents.forEach(function (doc, ref) {
      var keys = []
      facet.values(doc).forEach(function (value) {
        var key = valueKey(value)
        if (!key || keys.indexOf(key) !== -1) return
        keys.push(key)
        var counts = spellings[key] || (spellings[key] = {})
        counts[value] = (counts[value] || 0) + 1
      })
      docKeys[f][ref] = keys
    })
    var chosen = {}
    Object.keys(spellings).forEach(function (key) {
      var counts = spellings[key]
      chosen[key] = Object.keys(counts).sort(function (a, b) {
        return counts[b] - counts[a] || (a < b ? -1 : a > b ? 1 : 0)
      })[0]
    })
    return chosen
  })

  // ---------- State and the URL ----------

  function readState (search) {
    var params = new URLSearchParams(search)
    var state = { q: params.get('q') || '', selected: [], labels: [] }
    FACETS.forEach(function (facet, f) {
      var keys = []
      var extra = {}
      params.getAll(facet.param).forEach(function (value) {
        var key = valueKey(value)
        if (!key || keys.indexOf(key) !== -1) return
        keys.push(key)
        if (!(key in labels[f])) extra[key] = value // a value no plan has: shown as given
      })
      state.selected.push(keys)
      state.labels.push(extra)
    })
    return state
  }

  function stateSearch (state) {
    var params = new URLSearchParams()
    if (state.q.trim()) params.append('q', state.q)
    FACETS.forEach(function (facet, f) {
      state.selected[f].forEach(function (key) { params.append(facet.param, labelOf(f, key)) })
    })
    var text = params.toString()
    return text ? '?' + text : ''
  }

  function labelOf (f, key) {
    return labels[f][key] || state.labels[f][key] || key
  }

  function writeUrl () {
    var search = stateSearch(state)
    if (search === window.location.search) return
    var url = window.location.href.split('#')[0].split('?')[0] + search + window.location.hash
    try {
      window.history.replaceState(window.history.state, '', url)
    } catch (error) {
      // Some browsers refuse to rewrite file:// addresses; the search still works.
    }
  }

  // ---------- Queries ----------

  function parse (text) {
    var query = new lunr.Query(fullFields)
    new lunr.QueryParser(text, query).parse()
    return query.clauses
  }

  // Return the clauses worth searching for, and whether the query was read as plain words.
  function plan (text) {
    var folded = tools.foldAccents(text).replace(LONE_SIGNS, '$1')
    var clauses
    var sanitised = false
    try {
      clauses = parse(folded)
    } catch (error) {
      if (!(error instanceof lunr.QueryParseError)) throw error
      clauses = parse(folded.replace(SYNTAX, ' '))
      sanitised = true
    }
    var kept = []
    clauses.forEach(function (clause) {
      if (clause.editDistance > MAX_EDIT_DISTANCE) clause.editDistance = MAX_EDIT_DISTANCE
      if (!clause.usePipeline) {
        // Wildcards skip lunr's pipeline, so trim them here as the pipeline would.
        clause.term = clause.term.replace(/^[^A-Za-z0-9_*]+/, '').replace(/[^A-Za-z0-9_*]+$/, '')
        if (/^\**$/.test(clause.term)) return
      } else {
        var word = tools.fold(clause.term)
        if (!word || !lunr.stopWordFilter(word)) return
      }
      kept.push(clause)
    })
    return { clauses: kept, sanitised: sanitised }
  }

  function copyClause (clause, fields, presence) {
    var copy = {
      term: clause.term,
      fields: fields,
      boost: clause.boost,
      usePipeline: clause.usePipeline,
      wildcard: clause.wildcard,
      presence: presence
    }
    if ('editDistance' in clause) copy.editDistance = clause.editDistance
    return copy
  }

  // How many words of the index a wildcard or a typo tolerance stands for.
  function expansion (index, clause) {
    if (clause.usePipeline && !('editDistance' in clause)) return 1
    var terms = clause.usePipeline ? index.pipeline.runString(clause.term) : [clause.term]
    return terms.reduce(function (total, term) {
      var probe = copyClause(clause, clause.fields, clause.presence)
      probe.term = term
      return total + index.tokenSet.intersect(lunr.TokenSet.fromClause(probe)).toArray().length
    }, 0)
  }

  function runClauses (index, clauses) {
    return index.query(function (query) {
      clauses.forEach(function (clause) { query.clause(clause) })
    })
  }

  // Search one index: return its hits, the outcome and the terms left out as too broad.
  function search (index, planned) {
    var usable = []
    var tooBroad = []
    var elsewhere = false
    planned.clauses.forEach(function (clause) {
      // Field names come from the full index; the small one lacks some fields.
      var fields = clause.fields.filter(function (field) { return index.fields.indexOf(field) !== -1 })
      if (!fields.length) {
        elsewhere = true
      } else if (expansion(index, clause) > MAX_EXPANSION) {
        tooBroad.push(clause.term)
      } else {
        usable.push({ clause: clause, fields: fields })
      }
    })
    var found = { hits: [], outcome: 'found', tooBroad: tooBroad }
    if (!usable.length) {
      found.outcome = tooBroad.length ? 'too-broad' : elsewhere ? 'pending' : 'no-words'
      return found
    }
    var explicit = usable.some(function (u) { return u.clause.presence === REQUIRED })
    var optional = usable.filter(function (u) { return u.clause.presence === OPTIONAL }).length
    var as = function (all) {
      return usable.map(function (u) {
        var presence = all && u.clause.presence === OPTIONAL ? REQUIRED : u.clause.presence
        return copyClause(u.clause, u.fields, presence)
      })
    }
    if (explicit || !optional) {
      found.hits = runClauses(index, as(false))
      return found
    }
    found.hits = runClauses(index, as(true))
    if (!found.hits.length && optional > 1) {
      found.hits = runClauses(index, as(false))
      found.outcome = found.hits.length ? 'any-word' : 'found'
    }
    return found
  }

  function hasOnlyProhibited (planned) {
    return planned.clauses.length > 0 && planned.clauses.every(function (c) { return c.presence === PROHIBITED })
  }

  // Every plan, newest first: what an empty query lists.
  var everyPlan = documents.map(function (doc, ref) { return ref }).sort(function (a, b) {
    var x = documents[a]
    var y = documents[b]
    return (y.year || 0) - (x.year || 0) || compareText(x.title, y.title) || a - b
  })

  function compareText (a, b) {
    a = a.toLowerCase()
    b = b.toLowerCase()
    return a < b ? -1 : a > b ? 1 : 0
  }

  // Return {refs, terms (per ref: the index words it matched), outcome} for the state.
  function find (index, text) {
    if (!text.trim()) return { refs: everyPlan, terms: {}, outcome: 'all' }
    var planned = plan(text)
    if (!planned.clauses.length) return { refs: [], terms: {}, outcome: 'no-words', tooBroad: [] }
    var found = search(index, planned)
    var terms = {}
    var refs = found.hits.map(function (hit) {
      var ref = Number(hit.ref)
      terms[ref] = hasOnlyProhibited(planned) ? [] : Object.keys(hit.matchData.metadata)
      return ref
    })
    return { refs: refs, terms: terms, outcome: found.outcome, sanitised: planned.sanitised, tooBroad: found.tooBroad }
  }

  // ---------- Filters ----------

  function matchesFacet (f, ref, selected) {
    if (!selected.length) return true
    var keys = docKeys[f][ref]
    for (var i = 0; i < keys.length; i++) {
      if (selected.indexOf(keys[i]) !== -1) return true
    }
    return false
  }

  // Keep the refs every facet allows but `skip` (-1: none skipped).
  function filterRefs (refs, skip) {
    return refs.filter(function (ref) {
      for (var f = 0; f < FACETS.length; f++) {
        if (f !== skip && !matchesFacet(f, ref, state.selected[f])) return false
      }
      return true
    })
  }

  // A facet's counts come from the results the other facets allow, so the values of
  // one facet can be combined (OR) and its counts say what choosing each would add.
  function facetValues (f, refs) {
    var counts = {}
    filterRefs(refs, f).forEach(function (ref) {
      docKeys[f][ref].forEach(function (key) { counts[key] = (counts[key] || 0) + 1 })
    })
    state.selected[f].forEach(function (key) { counts[key] = counts[key] || 0 })
    var keys = Object.keys(counts)
    keys.sort(FACETS[f].byCount
      ? function (a, b) { return counts[b] - counts[a] || compareText(labelOf(f, a), labelOf(f, b)) }
      : function (a, b) { return compareText(labelOf(f, b), labelOf(f, a)) })
    return keys.map(function (key) { return { key: key, count: counts[key] } })
  }

  // ---------- Highlighting ----------

  var termCache = {}

  // The index word a word of text becomes, as the index pipeline makes it.
  function termOf (word) {
    if (!(word in termCache)) {
      var folded = tools.fold(word.toLowerCase())
      termCache[word] = folded ? lunr.stemmer(new lunr.Token(folded)).toString() : ''
    }
    return termCache[word]
  }

  function isWordPart (character) {
    return tools.fold(character) !== ''
  }

  // Append text to parent, wrapping in <mark> each word whose index word is in `terms`.
  function appendHighlighted (parent, text, terms) {
    if (!terms || !terms.length) {
      parent.appendChild(document.createTextNode(text))
      return
    }
    var plain = ''
    text.split(SEPARATOR).forEach(function (piece, i) {
      if (i % 2 === 1 || !piece || terms.indexOf(termOf(piece)) === -1) {
        plain += piece
        return
      }
      var start = 0
      var end = piece.length
      while (start < end && !isWordPart(piece.charAt(start))) start++
      while (end > start && !isWordPart(piece.charAt(end - 1))) end--
      plain += piece.slice(0, start)
      parent.appendChild(document.createTextNode(plain))
      var mark = document.createElement('mark')
      mark.textContent = piece.slice(start, end)
      parent.appendChild(mark)
      plain = piece.slice(end)
    })
    if (plain) parent.appendChild(document.createTextNode(plain))
  }

  // ---------- The page ----------

  var state = readState(window.location.search)
  var index = tools.loadIndex(data.index)
  var fullText = 'loading' // then 'loaded' or 'failed'
  var shown = PAGE_SIZE
  var expanded = FACETS.map(function () { return false })
  var baseTitle = document.title
  var timer = null

  function element (tag, attributes, text) {
    var node = document.createElement(tag)
    Object.keys(attributes || {}).forEach(function (name) { node.setAttribute(name, attributes[name]) })
    if (text != null) node.textContent = text
    return node
  }

  var form = element('form', { class: 'search-large', role: 'search' })
  var label = element('label', { for: 'search-query' }, 'Search every plan')
  var input = element('input', { id: 'search-query', type: 'search', name: 'q', autocomplete: 'off', placeholder: 'e.g. solutions mapping for waste' })
  var submit = element('button', { type: 'submit' }, 'Search')
  form.appendChild(label)
  form.appendChild(input)
  form.appendChild(submit)
  var status = element('p', { class: 'count', id: 'search-status', role: 'status', 'aria-live': 'polite' })
  // Filters fold away on narrow screens, where they would push the results down.
  var filters = element('details', { class: 'filters' })
  var filtersSummary = element('summary', null, 'Filters')
  var filterList = element('div', { class: 'filter-list' })
  filters.appendChild(filtersSummary)
  filters.appendChild(filterList)
  var wide = window.matchMedia('(min-width: 52rem)')
  var results = element('ol', { class: 'search-results', 'aria-labelledby': 'search-status' })
  var more = element('button', { type: 'button', class: 'show-more' })
  app.appendChild(form)
  app.appendChild(status)
  app.appendChild(filters)
  app.appendChild(results)
  app.appendChild(more)
  app.setAttribute('data-index', 'brief')
  var headerInput = document.getElementById('site-search')

  function plural (count, one, many) {
    return count + ' ' + (count === 1 ? one : many)
  }

  function quoted (text) {
    return '\u201c' + text.trim() + '\u201d'
  }

  function statusText (found, count) {
    var filtered = state.selected.some(function (keys) { return keys.length })
    var q = quoted(state.q)
    var text
    if (found.outcome === 'all') {
      text = filtered ? plural(count, 'plan matches', 'plans match') + ' the filters.' : 'All ' + plural(count, 'plan', 'plans') + ', newest first.'
    } else if (found.outcome === 'no-words') {
      text = q + ' has no words to search for: very common words such as \u201cthe\u201d or \u201cof\u201d are not indexed. Try other words.'
    } else if (found.outcome === 'too-broad') {
      return 'Nothing searched: ' + found.tooBroad.map(quoted).join(', ') + ' would match too many words. Type more letters.'
    } else if (found.outcome === 'pending') {
      text = fullText === 'failed'
        ? 'The full text could not be loaded, so ' + q + ' cannot be searched.'
        : 'Loading the full text to search for ' + q + '\u2026'
    } else if (!count) {
      text = 'No plans found for ' + q + (filtered ? ' with these filters.' : '.')
    } else {
      text = plural(count, 'plan', 'plans') + ' found for ' + q + (filtered ? ' with these filters.' : '.')
      if (found.outcome === 'any-word') text += ' No plan has all of these words; these have some of them.'
    }
    if (found.sanitised) text += ' (Read as plain words: the search syntax did not fit.)'
    if (found.tooBroad && found.tooBroad.length) {
      text += ' Left out, as it matches too many words: ' + found.tooBroad.map(quoted).join(', ') + '.'
    }
    return text
  }

  function renderResult (ref, terms) {
    var doc = documents[ref]
    var item = element('li', { class: 'result' })
    var heading = element('h2')
    // Result URLs are relative to the site root, where search.html is.
    var link = element('a', { href: doc.url })
    appendHighlighted(link, doc.title, terms)
    heading.appendChild(link)
    item.appendChild(heading)
    var meta = [doc.country, doc.year == null ? '' : String(doc.year), doc.methods.join(', ')]
    item.appendChild(element('p', { class: 'result-meta' }, meta.filter(Boolean).join(' \u00b7 ')))
    if (doc.summary) {
      var snippet = element('p', { class: 'snippet' })
      appendHighlighted(snippet, doc.summary, terms)
      item.appendChild(snippet)
    }
    return item
  }

  function renderFacet (f, refs) {
    var facet = FACETS[f]
    var values = facetValues(f, refs)
    var fieldset = element('fieldset', { 'data-facet': facet.param })
    fieldset.appendChild(element('legend', null, facet.legend))
    var limit = expanded[f] ? values.length : FACET_SHOWN
    values.forEach(function (value, position) {
      var checked = state.selected[f].indexOf(value.key) !== -1
      if (position >= limit && !checked) return
      var box = element('input', { type: 'checkbox', name: facet.param, value: labelOf(f, value.key), 'data-key': value.key })
      box.checked = checked
      var row = element('label')
      row.appendChild(box)
      row.appendChild(document.createTextNode(' ' + labelOf(f, value.key) + ' '))
      var count = element('span', { class: 'count' }, String(value.count))
      count.appendChild(element('span', { class: 'visually-hidden' }, value.count === 1 ? ' plan' : ' plans'))
      row.appendChild(count)
      fieldset.appendChild(row)
    })
    if (values.length > FACET_SHOWN) {
      var toggle = element('button', { type: 'button', class: 'facet-toggle', 'data-facet': facet.param, 'aria-expanded': String(expanded[f]) },
        expanded[f] ? 'Show fewer' : 'Show all ' + values.length + ' ' + facet.plural)
      fieldset.appendChild(toggle)
    }
    return values.length ? fieldset : null
  }

  function renderFilters (refs) {
    while (filterList.firstChild) filterList.removeChild(filterList.firstChild)
    var chosen = state.selected.reduce(function (total, keys) { return total + keys.length }, 0)
    filtersSummary.textContent = chosen ? 'Filters (' + chosen + ' chosen)' : 'Filters'
    if (chosen) {
      filterList.appendChild(element('button', { type: 'button', class: 'clear-filters' }, 'Clear filters'))
    }
    FACETS.forEach(function (facet, f) {
      var fieldset = renderFacet(f, refs)
      if (fieldset) filterList.appendChild(fieldset)
    })
    if (filterList.querySelector('fieldset')) {
      if (!filters.parentNode) app.insertBefore(filters, results)
    } else if (filters.parentNode) {
      app.removeChild(filters)
    }
  }

  // Where the focus is, said so that it can be found again once the page is redrawn.
  function focusKey () {
    var active = document.activeElement
    if (!active || !app.contains(active) || active === input) return null
    if (active.getAttribute('data-key')) return 'input[name="' + active.name + '"][data-key="' + active.getAttribute('data-key') + '"]'
    if (active.classList.contains('facet-toggle')) return '.facet-toggle[data-facet="' + active.getAttribute('data-facet') + '"]'
    if (active === more) return null
    if (active.classList.contains('clear-filters')) return '.clear-filters'
    if (active.tagName === 'A') return 'a[href="' + CSS.escape(active.getAttribute('href')) + '"]'
    return null
  }

  function restoreFocus (key) {
    if (!key) return
    var target = app.querySelector(key)
    if (target && target !== document.activeElement) target.focus({ preventScroll: true })
  }

  function render () {
    var found
    try {
      found = find(index, state.q)
    } catch (error) {
      // Not expected: tell the reader rather than fail silently or in the console.
      status.textContent = 'This search could not be run (' + error.message + '). Try other words.'
      while (results.firstChild) results.removeChild(results.firstChild)
      more.hidden = true
      return
    }
    var refs = filterRefs(found.refs, -1)
    var focused = focusKey()
    var scrollX = window.scrollX
    var scrollY = window.scrollY
    renderFilters(found.refs)
    var fragment = document.createDocumentFragment()
    refs.slice(0, shown).forEach(function (ref) { fragment.appendChild(renderResult(ref, found.terms[ref])) })
    while (results.firstChild) results.removeChild(results.firstChild)
    results.appendChild(fragment)
    var rest = refs.length - Math.min(shown, refs.length)
    more.hidden = rest <= 0
    more.textContent = 'Show ' + Math.min(rest, PAGE_SIZE) + ' more (' + rest + ' not shown)'
    var text = statusText(found, refs.length)
    if (status.textContent !== text) status.textContent = text
    document.title = state.q.trim() ? state.q.trim() + ' \u2014 ' + baseTitle : baseTitle
    restoreFocus(focused)
    window.scrollTo(scrollX, scrollY)
  }

  function update () {
    window.clearTimeout(timer)
    timer = null
    shown = PAGE_SIZE
    render()
    writeUrl()
  }

  function setQuery (value) {
    state.q = value
    if (input.value !== value) input.value = value
    if (headerInput && headerInput.value !== value) headerInput.value = value
  }

  input.addEventListener('input', function () {
    setQuery(input.value)
    window.clearTimeout(timer)
    timer = window.setTimeout(update, DEBOUNCE_MS)
  })

  form.addEventListener('submit', function (event) {
    event.preventDefault()
    setQuery(input.value)
    update()
  })

  // On this page the header's box searches in place instead of reloading the page.
  if (headerInput && headerInput.form) {
    headerInput.form.addEventListener('submit', function (event) {
      event.preventDefault()
      setQuery(headerInput.value)
      update()
    })
  }

  filters.addEventListener('change', function (event) {
    var box = event.target
    var f = FACETS.map(function (facet) { return facet.param }).indexOf(box.name)
    if (f === -1) return
    var key = box.getAttribute('data-key')
    var keys = state.selected[f].filter(function (k) { return k !== key })
    if (box.checked) keys.push(key)
    state.selected[f] = keys
    update()
  })

  filters.addEventListener('click', function (event) {
    var button = event.target.closest('button')
    if (!button) return
    if (button.classList.contains('facet-toggle')) {
      var f = FACETS.map(function (facet) { return facet.param }).indexOf(button.getAttribute('data-facet'))
      expanded[f] = !expanded[f]
      render()
    } else if (button.classList.contains('clear-filters')) {
      state.selected = FACETS.map(function () { return [] })
      update()
      input.focus()
    }
  })

  more.addEventListener('click', function () {
    var first = results.children.length
    shown += PAGE_SIZE
    render()
    var next = results.children[first]
    if (next) next.querySelector('a').focus()
  })

  window.addEventListener('popstate', function () {
    state = readState(window.location.search)
    setQuery(state.q)
    shown = PAGE_SIZE
    render()
  })

  // The full text: loaded once the first results are on screen, built when idle.
  function loadFullText () {
    var script = document.createElement('script')
    script.src = app.getAttribute('data-fulltext')
    script.onload = function () {
      var idle = window.requestIdleCallback || function (callback) { return window.setTimeout(callback, 1) }
      idle(function () {
        index = tools.loadIndex(window.PLANFOLIO_SEARCH.fulltext)
        fullText = 'loaded'
        render()
        app.setAttribute('data-index', 'full')
      }, { timeout: 2000 })
    }
    script.onerror = function () {
      fullText = 'failed'
      render()
      app.setAttribute('data-index', 'failed')
    }
    document.body.appendChild(script)
  }

  filters.open = wide.matches || state.selected.some(function (keys) { return keys.length })
  wide.addEventListener('change', function () { if (wide.matches) filters.open = true })
  setQuery(state.q)
  render()
  if (!state.q && (!document.activeElement || document.activeElement === document.body)) input.focus()
  window.requestAnimationFrame(function () { window.setTimeout(loadFullText, 0) })
})(window, document)
