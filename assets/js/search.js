/*
 * planfolio search page: fills <div id="search-app"> on search.html.
 *
 * Load after lunr.js, search-pipeline.js, search-query.js (how a query is read)
 * and search-index.js. It searches the small index at once, then loads
 * search-fulltext.js (the URL in the app's data-fulltext attribute), builds the full
 * index when the browser is idle and searches again. Everything lives in the page:
 * no requests besides that script tag, so the page works from file://.
 *
 * The query and the filters live in the URL (?q=...&type=...&country=...&method=...&datasource=...
 * &sdg=...&theme=...&year=...&language=...),
 * read on load and on popstate. A search typed is one entry of the browser's history
 * (its keystrokes replace it, until it is sent with Enter), and each change of the
 * filters another, so Back undoes them; each entry keeps how many results were shown,
 * for a reader who comes back.
 * Filters count from the results: values of one filter combine with OR, filters of
 * different kinds with AND.
 *
 * The app's data-index attribute says which index the results come from: "brief",
 * then "full" (or "failed" when search-fulltext.js could not be loaded).
 *
 * Every message goes through _() or ngettext(), which read the page's
 * <script id="planfolio-messages"> (the site language's catalogue, put in by the build;
 * none in English): `pybabel extract` finds the messages here, as in the templates.
 */
;(function (window, document) {
  'use strict'

  var tools = window.PlanfolioSearch
  var data = window.PLANFOLIO_SEARCH
  var app = document.getElementById('search-app')
  if (!app) return

  // ---------- Messages in the site's language ----------

  var catalogue = document.getElementById('planfolio-messages')
  var messages = catalogue ? JSON.parse(catalogue.textContent) : {}
  var pluralRules = new Intl.PluralRules(document.documentElement.lang || 'en')
  // Counts are written as the page's language writes them: "1,190", "1 190". Grouped from
  // four digits in every language, as the build's counts are (Babel groups "1.190" in Spanish).
  var numbers = new Intl.NumberFormat(document.documentElement.lang || 'en', { useGrouping: 'always' })

  function format (text, values) {
    return text.replace(/%\((\w+)\)s/g, function (whole, name) {
      if (!values || !(name in values)) return whole
      return typeof values[name] === 'number' ? numbers.format(values[name]) : String(values[name])
    })
  }

  function _ (message, values) {
    var translated = messages[message]
    return format(typeof translated === 'string' ? translated : message, values)
  }

  // A plural's forms come by CLDR category, the one Intl.PluralRules gives for the count.
  function ngettext (singular, plural, count, values) {
    var forms = messages[singular]
    var text = forms && typeof forms === 'object'
      ? forms[pluralRules.select(count)] || forms.other
      : count === 1 ? singular : plural
    return format(text, Object.assign({ count: count }, values))
  }

  if (!window.lunr || !tools || !tools.find || !data) {
    app.textContent = _('The search index could not be loaded.')
    return
  }

  var PAGE_SIZE = 50
  var DEBOUNCE_MS = 200
  var FACET_SHOWN = 8 // values listed before "Show all"
  var FACET_FIND_FROM = 30 // an open list this long has a box to find its values by name

  var documents = data.documents
  var fullFields = data.fulltextFields || data.index.fields

  // How the page names each document type (data-type-NAME attributes of the app), and
  // whether the documents are of more than one: then results and filters show it.
  function typeName (type) { return app.getAttribute('data-type-' + type) || type }
  var mixedTypes = documents.some(function (doc) { return doc.type !== documents[0].type })

  // A filter of terms takes its values from data.filters[param]: the site's terms, as
  // [page name, name] pairs in the order of the site's lists, and each document's terms as
  // places in that list. Its values are keyed by page name, as the term pages are: spellings
  // of one term are one value. Years, types and languages are read from the documents.
  // A filter lists its values by `order`: 'count' (most results first), 'listed' (the
  // order of data.filters, SDGs by number) or 'newest' (years).
  var FACETS = [
    { param: 'type', legend: _('Type'), showAll: function (n) { return ngettext('Show all %(count)s type', 'Show all %(count)s types', n) }, order: 'count', mixedOnly: true, values: function (doc) { return doc.type ? [doc.type] : [] }, label: typeName },
    { param: 'country', legend: _('Country'), showAll: function (n) { return ngettext('Show all %(count)s country', 'Show all %(count)s countries', n) }, order: 'count' },
    { param: 'method', legend: _('Method'), showAll: function (n) { return ngettext('Show all %(count)s method', 'Show all %(count)s methods', n) }, order: 'count' },
    { param: 'datasource', legend: _('Data source'), showAll: function (n) { return ngettext('Show all %(count)s data source', 'Show all %(count)s data sources', n) }, order: 'count' },
    { param: 'sdg', legend: _('SDG'), showAll: function (n) { return ngettext('Show all %(count)s SDG', 'Show all %(count)s SDGs', n) }, order: 'listed' },
    { param: 'theme', legend: _('Thematic area'), showAll: function (n) { return ngettext('Show all %(count)s thematic area', 'Show all %(count)s thematic areas', n) }, order: 'count' },
    { param: 'year', legend: _('Year'), showAll: function (n) { return ngettext('Show all %(count)s year', 'Show all %(count)s years', n) }, order: 'newest', values: function (doc) { return doc.year == null ? [] : [String(doc.year)] } }
  ]
  // A site of several languages says each plan's: a filter by language, named in its own.
  if (data.languages) {
    FACETS.push({ param: 'language', legend: _('Language'), showAll: function (n) { return ngettext('Show all %(count)s language', 'Show all %(count)s languages', n) }, order: 'count', values: function (doc) { return doc.language ? [doc.language] : [] }, label: function (code) { return data.languages[code] } })
  }
  var termFilters = data.filters || {}

  // ---------- Facet values: the site's terms ----------

  function valueKey (value) {
    return tools.foldAccents(String(value)).toLowerCase().replace(/&/g, ' and ').replace(/[^a-z0-9]+/g, ' ').trim()
  }

  // Per facet: the name of each key and its place in the site's list; the key of each name,
  // and of each name folded (for addresses written by hand); per document: its keys.
  // Maps by a value taken from the address: without a prototype, so that no value
  // ('constructor', 'toString') finds one of Object's own members in them.
  var labels = FACETS.map(function (facet) { return Object.create(null) })
  var places = FACETS.map(function (facet) { return Object.create(null) })
  var keyOfName = FACETS.map(function (facet) { return Object.create(null) })
  var keyOfFolded = FACETS.map(function (facet) { return Object.create(null) })
  var docKeys = FACETS.map(function (facet, f) {
    var filter = facet.values ? null : termFilters[facet.param] || { terms: [], documents: [] }
    if (filter) {
      filter.terms.forEach(function (term, place) {
        labels[f][term[0]] = term[1]
        places[f][term[0]] = place
        keyOfName[f][term[1]] = term[0]
        keyOfFolded[f][valueKey(term[1])] = term[0]
        var goal = facet.param === 'sdg' && /^\d+/.exec(term[1]) // an SDG by its number: sdg=13
        if (goal) keyOfFolded[f][goal[0]] = keyOfFolded[f]['sdg ' + goal[0]] = term[0]
      })
      return documents.map(function (doc, ref) {
        return (filter.documents[ref] || []).map(function (place) { return filter.terms[place][0] })
      })
    }
    return documents.map(function (doc) {
      var keys = []
      facet.values(doc).forEach(function (value) {
        if (keys.indexOf(value) !== -1) return
        // A type is named in the site's language, a language in its own; the address may
        // give either ('experiment', 'fr').
        var label = facet.label ? facet.label(value) : value
        labels[f][value] = label
        keyOfName[f][label] = value
        keyOfFolded[f][valueKey(label)] = value
        keys.push(value)
      })
      return keys
    })
  })

  // The key of a value given in the address: a term's page name or any spelling, or a year.
  function keyOfValue (f, value) {
    if (Object.prototype.hasOwnProperty.call(labels[f], value)) return value
    if (Object.prototype.hasOwnProperty.call(keyOfName[f], value)) return keyOfName[f][value]
    var folded = valueKey(value)
    if (Object.prototype.hasOwnProperty.call(keyOfFolded[f], folded)) return keyOfFolded[f][folded]
    return folded
  }

  // ---------- State and the URL ----------

  function readState (search) {
    var params = new URLSearchParams(search)
    var state = { q: params.get('q') || '', selected: [], labels: [] }
    FACETS.forEach(function (facet, f) {
      var keys = []
      var extra = Object.create(null)
      params.getAll(facet.param).forEach(function (value) {
        var key = keyOfValue(f, value)
        if (!key || keys.indexOf(key) !== -1) return
        keys.push(key)
        if (!Object.prototype.hasOwnProperty.call(labels[f], key)) extra[key] = value // no plan has it: shown as given
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

  // Write the state into the address: a new entry of the history for a change of
  // `kind` ('typed' or 'filtered') after one of another kind, else in place.
  function writeUrl (kind) {
    var search = stateSearch(state)
    if (search === window.location.search) return
    var url = window.location.href.split('#')[0].split('?')[0] + search + window.location.hash
    var entry = window.history.state || {}
    var fresh = !(kind === 'typed' && entry.kind === 'typed')
    writeHistory({ kind: kind, shown: PAGE_SIZE }, url, fresh)
  }

  function writeHistory (entry, url, fresh) {
    try {
      if (fresh) window.history.pushState(entry, '', url)
      else window.history.replaceState(entry, '', url)
    } catch (error) {
      // Some browsers refuse to rewrite file:// addresses: the search works on, unbookmarked.
      if (error.name !== 'SecurityError') throw error
    }
  }

  // How many results the history entry shown last had, for a reader who comes back to it.
  function shownOf (entry) {
    return entry && entry.shown > PAGE_SIZE ? entry.shown : PAGE_SIZE
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

  // Return the refs of the query's results in order, each's matched words, and the outcome.
  function find (index, text) {
    var found = tools.find(index, text, fullFields)
    var terms = {}
    found.refs = found.outcome === 'all' ? everyPlan : found.hits.map(function (hit) {
      terms[hit.ref] = hit.terms
      return hit.ref
    })
    found.terms = terms
    return found
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

  // How a facet's values are sorted, by its `order`; a value given in the address that no
  // plan has comes last in a list.
  var ORDERS = {
    count: function (f, counts) {
      return function (a, b) { return counts[b] - counts[a] || compareText(labelOf(f, a), labelOf(f, b)) }
    },
    listed: function (f) {
      function place (key) { return Object.prototype.hasOwnProperty.call(places[f], key) ? places[f][key] : Infinity }
      return function (a, b) { return place(a) - place(b) || compareText(labelOf(f, a), labelOf(f, b)) }
    },
    newest: function (f) {
      return function (a, b) { return compareText(labelOf(f, b), labelOf(f, a)) }
    }
  }

  // A facet's counts come from the results the other facets allow, so the values of
  // one facet can be combined (OR) and its counts say what choosing each would add.
  function facetValues (f, refs) {
    var counts = Object.create(null)
    filterRefs(refs, f).forEach(function (ref) {
      docKeys[f][ref].forEach(function (key) { counts[key] = (counts[key] || 0) + 1 })
    })
    state.selected[f].forEach(function (key) { counts[key] = counts[key] || 0 })
    var keys = Object.keys(counts)
    keys.sort(ORDERS[FACETS[f].order](f, counts))
    return keys.map(function (key) { return { key: key, count: counts[key] } })
  }

  // Append text to parent, each word whose index word is in `terms` in a <mark>.
  function appendHighlighted (parent, text, terms) {
    tools.highlight(text, terms).forEach(function (piece) {
      if (!piece[1]) {
        parent.appendChild(document.createTextNode(piece[0]))
        return
      }
      var mark = document.createElement('mark')
      mark.textContent = piece[0]
      parent.appendChild(mark)
    })
  }

  // ---------- The page ----------

  var state = readState(window.location.search)
  var index = tools.loadIndex(data.index)
  var fullText = 'loading' // then 'loaded' or 'failed'
  var shown = shownOf(window.history.state)
  var expanded = FACETS.map(function () { return false })
  var finding = FACETS.map(function () { return '' }) // what each list's find box holds
  var baseTitle = document.title
  var timer = null

  function element (tag, attributes, text) {
    var node = document.createElement(tag)
    Object.keys(attributes || {}).forEach(function (name) { node.setAttribute(name, attributes[name]) })
    if (text != null) node.textContent = text
    return node
  }

  var form = element('form', { class: 'search-large', role: 'search' })
  // Of other types than plans and experiments, it speaks of documents, as the home page does.
  var otherTypes = documents.some(function (doc) { return doc.type !== 'learningplan' && doc.type !== 'experiment' })
  var label = element('label', { for: 'search-query' }, otherTypes ? _('Search every document') : mixedTypes ? _('Search every plan and experiment') : _('Search every plan'))
  var input = element('input', { id: 'search-query', type: 'search', name: 'q', autocomplete: 'off', placeholder: _('e.g. plastic waste') })
  // Its word on a wide screen; on a phone, the glass the page holds (templates/search.html).
  var submit = element('button', { type: 'submit' })
  var icon = document.getElementById('search-icon')
  if (icon) submit.appendChild(icon.content.firstElementChild.cloneNode(true))
  submit.appendChild(element('span', { class: 'button-word' }, _('Search')))
  // A link over the filters (a stop of Tab each) to the results, shown when it has the focus.
  var skip = element('a', { class: 'skip-link visually-hidden', href: '#search-results' }, _('Skip to the results'))
  form.appendChild(label)
  form.appendChild(input)
  form.appendChild(submit)
  form.appendChild(skip)
  var status = element('p', { class: 'count', id: 'search-status', role: 'status', 'aria-live': 'polite' })
  // On paper, which leaves the filters out, a line names those chosen.
  var filteredBy = element('p', { class: 'print-only', id: 'search-filtered' })
  // Filters fold away on narrow screens, where they would push the results down.
  var filters = element('details', { class: 'filters' })
  var filtersSummary = element('summary', null, _('Filters'))
  var filterList = element('div', { class: 'filter-list' })
  filters.appendChild(filtersSummary)
  filters.appendChild(filterList)
  var wide = window.matchMedia('(min-width: 52rem)')
  // The list takes the focus when the control that had it is gone (tabindex -1: not a stop of Tab).
  var results = element('ol', { class: 'search-results', id: 'search-results', tabindex: '-1', 'aria-labelledby': 'search-status' })
  var more = element('button', { type: 'button', class: 'show-more' })
  var printed = element('p', { class: 'print-only' }) // on paper, in place of the button
  app.appendChild(form)
  app.appendChild(status)
  app.appendChild(filteredBy)
  app.appendChild(filters)
  app.appendChild(results)
  app.appendChild(more)
  app.appendChild(printed)
  app.setAttribute('data-index', 'brief')

  // A query in the language's quotation marks; its own, if any, left out (no phrase search),
  // unless they are all it holds.
  function quoted (text) {
    var inner = text.trim().replace(/^["“”«»]+\s*|\s*["“”«»]+$/g, '')
    return _('“%(text)s”', { text: inner || text.trim() })
  }

  function statusText (found, count) {
    var filtered = state.selected.some(function (keys) { return keys.length })
    var q = quoted(state.q)
    var text
    if (found.outcome === 'all') {
      if (mixedTypes) {
        text = filtered
          ? ngettext('%(count)s document matches the filters.', '%(count)s documents match the filters.', count)
          : ngettext('All %(count)s document, newest first.', 'All %(count)s documents, newest first.', count)
      } else {
        text = filtered
          ? ngettext('%(count)s plan matches the filters.', '%(count)s plans match the filters.', count)
          : ngettext('All %(count)s plan, newest first.', 'All %(count)s plans, newest first.', count)
      }
    } else if (found.outcome === 'no-words') {
      text = _('%(query)s has no words to search for: very common words such as \u201cthe\u201d or \u201cof\u201d are not indexed. Try other words.', { query: q })
    } else if (found.outcome === 'too-broad') {
      return _('Nothing searched: %(words)s would match too many words. Type more letters.', { words: found.tooBroad.map(quoted).join(', ') })
    } else if (found.outcome === 'pending') {
      text = fullText === 'failed'
        ? _('The full text could not be loaded, so %(query)s cannot be searched.', { query: q })
        : _('Loading the full text to search for %(query)s\u2026', { query: q })
    } else if (!count && mixedTypes) {
      text = filtered ? _('No documents found for %(query)s with these filters.', { query: q }) : _('No documents found for %(query)s.', { query: q })
    } else if (!count) {
      text = filtered ? _('No plans found for %(query)s with these filters.', { query: q }) : _('No plans found for %(query)s.', { query: q })
    } else if (mixedTypes) {
      text = filtered
        ? ngettext('%(count)s document found for %(query)s with these filters.', '%(count)s documents found for %(query)s with these filters.', count, { query: q })
        : ngettext('%(count)s document found for %(query)s.', '%(count)s documents found for %(query)s.', count, { query: q })
      if (found.outcome === 'any-word') text += ' ' + _('No document has all of these words; these have some of them.')
    } else {
      text = filtered
        ? ngettext('%(count)s plan found for %(query)s with these filters.', '%(count)s plans found for %(query)s with these filters.', count, { query: q })
        : ngettext('%(count)s plan found for %(query)s.', '%(count)s plans found for %(query)s.', count, { query: q })
      if (found.outcome === 'any-word') text += ' ' + _('No plan has all of these words; these have some of them.')
    }
    if (found.sanitised) text += ' ' + _('(Read as plain words: the search syntax did not fit.)')
    if (fullText === 'failed' && found.outcome !== 'pending') {
      // The small index alone answered: say so, or its results pass for all there are.
      text += ' ' + _('The full text could not be loaded: only titles, places, methods and summaries were searched.')
    }
    if (found.tooBroad && found.tooBroad.length) {
      text += ' ' + _('Left out, as it matches too many words: %(words)s.', { words: found.tooBroad.map(quoted).join(', ') })
    }
    return text
  }

  // Values of one filter, which widen the results, as the language lists alternatives
  // ("Kenya or Ghana"); filters of different kinds, which narrow them, one after another.
  var alternatives = window.Intl && Intl.ListFormat ? new Intl.ListFormat(document.documentElement.lang || 'en', { type: 'disjunction' }) : null

  function filtersText () {
    var named = []
    FACETS.forEach(function (facet, f) {
      if (!state.selected[f].length) return
      var values = state.selected[f].map(function (key) { return labelOf(f, key) })
      named.push(_('%(filter)s: %(values)s', { filter: facet.legend, values: alternatives ? alternatives.format(values) : values.join(', ') }))
    })
    if (!named.length) return ''
    var filters = named.reduce(function (before, filter) { return _('%(filters)s; %(filter)s', { filters: before, filter: filter }) })
    return _('Filtered by: %(filters)s', { filters: filters })
  }

  var siteLanguage = (document.documentElement.lang || 'en').split('-')[0].toLowerCase()

  function renderResult (ref, terms) {
    var doc = documents[ref]
    var item = element('li', { class: 'result' })
    var heading = element('h2')
    // Result URLs are relative to the site root, where search.html is.
    var link = element('a', { href: doc.url })
    // A document's own words in its language, when it is not the page's.
    var other = doc.language && doc.language !== siteLanguage ? doc.language : ''
    if (other) link.setAttribute('lang', other)
    appendHighlighted(link, doc.title, terms)
    heading.appendChild(link)
    item.appendChild(heading)
    var meta = [mixedTypes ? typeName(doc.type) : '', doc.country, doc.year == null ? '' : String(doc.year), doc.methods.join(', ')]
    item.appendChild(element('p', { class: 'result-meta' }, meta.filter(Boolean).join(' \u00b7 ')))
    if (doc.summary) {
      var snippet = element('p', { class: 'snippet' })
      if (other) snippet.setAttribute('lang', other)
      appendHighlighted(snippet, doc.summary, terms)
      item.appendChild(snippet)
    }
    return item
  }

  function renderFacet (f, refs) {
    var facet = FACETS[f]
    if (facet.mixedOnly && !mixedTypes) return null
    var values = facetValues(f, refs)
    var fieldset = element('fieldset', { 'data-facet': facet.param })
    fieldset.appendChild(element('legend', null, facet.legend))
    var limit = expanded[f] ? values.length : FACET_SHOWN
    var finds = expanded[f] && values.length >= FACET_FIND_FROM
    if (finds) {
      var label = _('Find in this list')
      var find = element('input', { type: 'search', class: 'facet-find', 'data-facet': facet.param, 'aria-label': label, placeholder: label, autocomplete: 'off' })
      find.value = finding[f]
      fieldset.appendChild(find)
    }
    var wanted = finds ? foldedName(finding[f]) : ''
    values.forEach(function (value, position) {
      var checked = state.selected[f].indexOf(value.key) !== -1
      if (position >= limit && !checked) return
      var box = element('input', { type: 'checkbox', name: facet.param, value: labelOf(f, value.key), 'data-key': value.key })
      box.checked = checked
      var row = element('label', { 'data-name': foldedName(labelOf(f, value.key)) })
      row.appendChild(box)
      row.hidden = !isFound(row, wanted)
      row.appendChild(document.createTextNode(' ' + labelOf(f, value.key) + ' '))
      var count = element('span', { class: 'count' }, numbers.format(value.count))
      var unit = mixedTypes ? ngettext('document', 'documents', value.count) : ngettext('plan', 'plans', value.count)
      count.appendChild(element('span', { class: 'visually-hidden' }, ' ' + unit))
      row.appendChild(count)
      fieldset.appendChild(row)
    })
    if (values.length > FACET_SHOWN) {
      var toggle = element('button', { type: 'button', class: 'facet-toggle', 'data-facet': facet.param, 'aria-expanded': String(expanded[f]) },
        expanded[f] ? _('Show fewer') : facet.showAll(values.length))
      fieldset.appendChild(toggle)
    }
    return values.length ? fieldset : null
  }

  // A name as a find box compares it: lower case, without accents, in any script (valueKey
  // keeps only a-z and digits, for the keys of addresses).
  function foldedName (text) {
    return tools.foldAccents(text.trim()).toLowerCase()
  }

  // Whether a value of a list is shown while its find box holds `wanted` (a foldedName):
  // chosen, or named so.
  function isFound (row, wanted) {
    return row.querySelector('input').checked || row.getAttribute('data-name').indexOf(wanted) !== -1
  }

  // Show the values of a list whose names hold what its find box holds (and those chosen).
  function findIn (box) {
    var f = FACETS.map(function (facet) { return facet.param }).indexOf(box.getAttribute('data-facet'))
    finding[f] = box.value
    var wanted = foldedName(box.value)
    box.parentNode.querySelectorAll('label[data-name]').forEach(function (row) { row.hidden = !isFound(row, wanted) })
  }

  function renderFilters (refs) {
    while (filterList.firstChild) filterList.removeChild(filterList.firstChild)
    var chosen = state.selected.reduce(function (total, keys) { return total + keys.length }, 0)
    filtersSummary.textContent = chosen ? ngettext('Filters (%(count)s chosen)', 'Filters (%(count)s chosen)', chosen) : _('Filters')
    if (chosen) {
      filterList.appendChild(element('button', { type: 'button', class: 'clear-filters' }, _('Clear filters')))
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
    if (active.classList.contains('facet-find')) return '.facet-find[data-facet="' + active.getAttribute('data-facet') + '"]'
    if (active === more) return null
    if (active.classList.contains('clear-filters')) return '.clear-filters'
    if (active.tagName === 'A') return 'a[href="' + CSS.escape(active.getAttribute('href')) + '"]'
    return null
  }

  // Put the focus back where focusKey said it was. When that control is gone (a result the
  // full text no longer finds, a button hidden) and the focus was in the app, it goes to the
  // results (the search box when there are none), never to the page.
  function restoreFocus (key, hadFocus) {
    var target = key && app.querySelector(key)
    // A value unchecked while its list's find box hides it is drawn hidden: the focus goes
    // to that box, or to the list's first control, not to the page.
    if (target && target.closest('[hidden]')) {
      var list = target.closest('fieldset')
      target = list && (list.querySelector('.facet-find') || list.querySelector('input:not([hidden]), button'))
    }
    if (!target && hadFocus && !isShown(document.activeElement)) target = results.firstChild ? results : input
    if (!target || target === document.activeElement) return
    target.focus({ preventScroll: true })
    if (target.classList.contains('facet-find')) target.setSelectionRange(target.value.length, target.value.length)
    var box = target.getBoundingClientRect()
    if (box.top < 0 || box.bottom > window.innerHeight) target.scrollIntoView({ block: 'nearest' })
  }

  // Whether an element is in the app and drawn (a hidden button keeps the focus until the
  // browser notices, so the focus cannot tell).
  function isShown (node) {
    return !!node && app.contains(node) && node.getClientRects().length > 0
  }

  // The place in `refs` of the result whose link has the focus, or -1.
  function focusedResult (refs) {
    var active = document.activeElement
    if (!active || active.tagName !== 'A' || !results.contains(active)) return -1
    var url = active.getAttribute('href')
    for (var place = 0; place < refs.length; place++) {
      if (documents[refs[place]].url === url) return place
    }
    return -1
  }

  function render () {
    var found
    try {
      found = find(index, state.q)
    } catch (error) {
      // Not expected: tell the reader rather than fail silently or in the console.
      status.textContent = _('This search could not be run (%(error)s). Try other words.', { error: error.message })
      while (results.firstChild) results.removeChild(results.firstChild)
      more.hidden = true
      return
    }
    var refs = filterRefs(found.refs, -1)
    var focused = focusKey()
    var hadFocus = app.contains(document.activeElement)
    var scrollX = window.scrollX
    var scrollY = window.scrollY
    // A result with the focus stays in the list wherever the results now rank it (the full
    // text ranks them anew): the list is shown down to it, and its history entry says so.
    var place = focusedResult(refs)
    if (place >= shown) {
      shown = Math.ceil((place + 1) / PAGE_SIZE) * PAGE_SIZE
      writeHistory(Object.assign({}, window.history.state, { shown: shown }), window.location.href, false)
    }
    renderFilters(found.refs)
    var fragment = document.createDocumentFragment()
    refs.slice(0, shown).forEach(function (ref) { fragment.appendChild(renderResult(ref, found.terms[ref])) })
    while (results.firstChild) results.removeChild(results.firstChild)
    results.appendChild(fragment)
    skip.hidden = !results.firstChild // no results, nothing to skip to
    var rest = refs.length - Math.min(shown, refs.length)
    more.hidden = rest <= 0
    printed.hidden = rest <= 0
    printed.textContent = rest > 0 ? _('Printed: the first %(shown)s of %(count)s results.', { shown: refs.length - rest, count: refs.length }) : ''
    more.textContent = ngettext('Show %(count)s more (%(rest)s not shown)', 'Show %(count)s more (%(rest)s not shown)', Math.min(rest, PAGE_SIZE), { rest: rest })
    var text = statusText(found, refs.length)
    if (status.textContent !== text) status.textContent = text
    filteredBy.textContent = filtersText()
    filteredBy.hidden = !filteredBy.textContent
    document.title = state.q.trim() ? state.q.trim() + ' \u2014 ' + baseTitle : baseTitle
    window.scrollTo(scrollX, scrollY)
    restoreFocus(focused, hadFocus)
  }

  function update (kind) {
    window.clearTimeout(timer)
    timer = null
    shown = PAGE_SIZE
    render()
    writeUrl(kind)
  }

  function setQuery (value) {
    state.q = value
    if (input.value !== value) input.value = value
  }

  input.addEventListener('input', function () {
    setQuery(input.value)
    window.clearTimeout(timer)
    timer = window.setTimeout(function () { update('typed') }, DEBOUNCE_MS)
  })

  form.addEventListener('submit', function (event) {
    event.preventDefault()
    setQuery(input.value)
    update('typed')
    // A search sent (Enter, the button) is done: the next one typed is a step of its own.
    var entry = window.history.state || {}
    if (entry.kind === 'typed') writeHistory(Object.assign({}, entry, { kind: 'sent' }), window.location.href, false)
  })

  filters.addEventListener('input', function (event) {
    if (event.target.classList.contains('facet-find')) findIn(event.target)
  })

  filters.addEventListener('change', function (event) {
    var box = event.target
    var f = FACETS.map(function (facet) { return facet.param }).indexOf(box.name)
    if (f === -1) return
    var key = box.getAttribute('data-key')
    var keys = state.selected[f].filter(function (k) { return k !== key })
    if (box.checked) keys.push(key)
    state.selected[f] = keys
    update('filtered')
  })

  filters.addEventListener('click', function (event) {
    var button = event.target.closest('button')
    if (!button) return
    if (button.classList.contains('facet-toggle')) {
      var f = FACETS.map(function (facet) { return facet.param }).indexOf(button.getAttribute('data-facet'))
      expanded[f] = !expanded[f]
      render()
      // An open list's toggle is now below all its values: the focus goes to its find box.
      var find = expanded[f] && app.querySelector('.facet-find[data-facet="' + FACETS[f].param + '"]')
      if (find) find.focus()
    } else if (button.classList.contains('clear-filters')) {
      state.selected = FACETS.map(function () { return [] })
      update('filtered')
      input.focus()
    }
  })

  more.addEventListener('click', function () {
    var first = results.children.length
    shown += PAGE_SIZE
    render()
    writeHistory(Object.assign({}, window.history.state, { shown: shown }), window.location.href, false)
    var next = results.children[first]
    if (next) next.querySelector('a').focus()
  })

  window.addEventListener('popstate', function (event) {
    // A link within the page (to the results) makes an entry of the history with no state
    // of its own: the search is the same, and so are the results shown.
    if (!event.state && stateSearch(readState(window.location.search)) === stateSearch(state)) {
      writeHistory({ shown: shown }, window.location.href, false)
      return
    }
    state = readState(window.location.search)
    setQuery(state.q)
    shown = shownOf(event.state)
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

  // Open beside the results on a wide screen; on a narrow one above them, closed, so that
  // a search opened with filters (a term page's link) shows its results first.
  filters.open = wide.matches
  wide.addEventListener('change', function () { if (wide.matches) filters.open = true })
  setQuery(state.q)
  render()
  // A fresh search page waits for words; one opened with filters (a term page's link) shows its
  // results, without a phone's keyboard over them.
  var fresh = !state.q && !state.selected.some(function (keys) { return keys.length })
  if (fresh && (!document.activeElement || document.activeElement === document.body)) input.focus()
  window.requestAnimationFrame(function () { window.setTimeout(loadFullText, 0) })
})(window, document)
