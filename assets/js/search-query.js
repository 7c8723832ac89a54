/*
 * planfolio search queries: how the search page reads what a reader types.
 *
 * Load after lunr.js and search-pipeline.js. It adds to window.PlanfolioSearch:
 *   find(index, text, fields)  search a lunr.Index for a reader's query; `fields` are
 *                              the names a query may use (the full index's), even
 *                              when `index` is the small one. Returns
 *                              { outcome, hits: [{ref, terms}], sanitised, tooBroad }
 *                              where outcome is 'all' (a blank query), 'found',
 *                              'any-word', 'no-words', 'too-broad' or 'pending' (only
 *                              fields the index lacks), `terms` are the index words a
 *                              hit matched, `sanitised` says the query was read as
 *                              plain words and `tooBroad` lists the terms left out.
 *   highlight(text, terms)     text as [piece, matched] pairs: the words whose index
 *                              word is one of `terms` are matched, without the
 *                              punctuation around them.
 *
 * A query is read in this order:
 *   1. accents folded, lone + and - signs (a dash between words) dropped and field
 *      names put in lower case (TITLE:waste), then parsed with lunr's query syntax; when it does not parse, the syntax
 *      characters are read as spaces and the words searched as plain terms;
 *   2. terms with nothing to search are left out: stop words, bare wildcards, and
 *      wildcards or typo tolerances that stand for too many words of the index;
 *   3. unless the query marks a term with + itself, every plain term is required but
 *      a weak word (below); when no plan has them all, the plans with any are the hits.
 * tests/test_search_page.py holds the same rules for lunr.py: change both together.
 *
 * On an index of several languages (pipeline 'planfolioLanguages', see
 * search-pipeline.js) the query is parsed with its accents, which the French and Spanish
 * stemmers read: only wildcard and typo terms, which skip the pipeline, are folded first.
 * A word is left out when it is an English stop word; one that is a stop word of
 * French or Spanish only (ai, son, sur) is weak: looked up, never required, since the
 * documents of that language do not index it. A wildcard term, which lunr's parser
 * keeps from the pipeline, is folded here and then sent through the index's pipeline,
 * which makes it stand for the words of every language (their terms end with their
 * language's mark, which a wildcard ending the term covers and any other does not).
 */
;(function (global, lunr) {
  'use strict'

  var tools = global.PlanfolioSearch
  var MAX_EXPANSION = 2000 // index words one wildcard or typo tolerance may stand for
  var MAX_EDIT_DISTANCE = 2
  var SYNTAX = /[+\-:*~^\\]/g
  var LONE_SIGNS = /(^|\s)[+\-]+(?=\s|$)/g
  var FIELD_NAME = /(^|[\s+\-])([A-Za-z_]+)(?=:)/g // a word before a colon, as lunr's parser reads one
  var SEPARATOR = /([\s\-]+)/ // lunr.tokenizer.separator, kept in the split
  var REQUIRED = lunr.Query.presence.REQUIRED
  var OPTIONAL = lunr.Query.presence.OPTIONAL
  var PROHIBITED = lunr.Query.presence.PROHIBITED

  function parse (text, fields) {
    var query = new lunr.Query(fields)
    new lunr.QueryParser(text, query).parse()
    return query.clauses
  }

  // Return whether an index looks words up in every language.
  function isMultilingual (index) {
    return index.pipeline._stack.some(function (fn) { return fn.planfolioLanguages === true })
  }

  // Whether a word has any term to look up: not a stop word (of English, on several languages).
  function hasTerm (word, multilingual) {
    if (multilingual) return tools.queryTerms(word).length > 0
    var folded = tools.fold(word)
    return Boolean(folded && lunr.stopWordFilter(folded))
  }

  // Return a query with its field names in lower case, as the index has them (TITLE:waste).
  function lowerFields (text, fields) {
    return text.replace(FIELD_NAME, function (whole, before, name) {
      var lower = name.toLowerCase()
      return before + (fields.indexOf(lower) === -1 ? name : lower)
    })
  }

  // Return the clauses worth searching for, and whether the query was read as plain words.
  function plan (text, fields, multilingual) {
    var folded = lowerFields((multilingual ? text : tools.foldAccents(text)).replace(LONE_SIGNS, '$1'), fields)
    var clauses
    var sanitised = false
    try {
      clauses = parse(folded, fields)
    } catch (error) {
      if (!(error instanceof lunr.QueryParseError)) throw error
      clauses = parse(folded.replace(SYNTAX, ' '), fields)
      sanitised = true
    }
    var kept = clauses.filter(function (clause) {
      if (clause.editDistance > MAX_EDIT_DISTANCE) clause.editDistance = MAX_EDIT_DISTANCE
      if (clause.usePipeline) {
        clause.weak = multilingual && tools.isWeakWord(clause.term.toLowerCase())
        return hasTerm(clause.term, multilingual)
      }
      // Wildcards skip lunr's pipeline, so fold and trim them here as the pipeline would.
      if (multilingual) clause.term = tools.foldAccents(clause.term)
      clause.term = clause.term.replace(/^[^A-Za-z0-9_*]+/, '').replace(/[^A-Za-z0-9_*]+$/, '')
      clause.usePipeline = multilingual
      return /[^*]/.test(clause.term)
    })
    return { clauses: kept, sanitised: sanitised }
  }

  // A fresh clause: lunr's Index.query rewrites the clauses it is given.
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
    if (clause.usePipeline && !('editDistance' in clause) && clause.term.indexOf('*') === -1) return 1
    var terms = clause.usePipeline ? index.pipeline.runString(clause.term) : [clause.term]
    return terms.reduce(function (total, term) {
      var probe = copyClause(clause, clause.fields, clause.presence)
      probe.term = term
      return total + index.tokenSet.intersect(lunr.TokenSet.fromClause(probe)).toArray().length
    }, 0)
  }

  function run (index, usable, everyWord) {
    return index.query(function (query) {
      usable.forEach(function (u) {
        var presence = everyWord && u.clause.presence === OPTIONAL && !u.clause.weak ? REQUIRED : u.clause.presence
        query.clause(copyClause(u.clause, u.fields, presence))
      })
    })
  }

  // Return the lunr results of the planned clauses, and the outcome.
  function search (index, clauses) {
    var usable = []
    var tooBroad = []
    var elsewhere = false
    clauses.forEach(function (clause) {
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
    var found = { results: [], outcome: 'found', tooBroad: tooBroad }
    if (!usable.length) {
      found.outcome = tooBroad.length ? 'too-broad' : elsewhere ? 'pending' : 'no-words'
      return found
    }
    var explicit = usable.some(function (u) { return u.clause.presence === REQUIRED })
    var optional = usable.filter(function (u) { return u.clause.presence === OPTIONAL && !u.clause.weak }).length
    found.results = run(index, usable, !explicit && optional > 0)
    if (!found.results.length && !explicit && optional > 1) {
      found.results = run(index, usable, false)
      if (found.results.length) found.outcome = 'any-word'
    }
    return found
  }

  function find (index, text, fields) {
    if (!text.trim()) return { outcome: 'all', hits: [], sanitised: false, tooBroad: [] }
    multilingual = isMultilingual(index)
    var planned = plan(text, fields, multilingual)
    var found = planned.clauses.length
      ? search(index, planned.clauses)
      : { results: [], outcome: 'no-words', tooBroad: [] }
    // A query of only -words matches what it does not hold: nothing to highlight.
    var negated = planned.clauses.every(function (clause) { return clause.presence === PROHIBITED })
    var hits = found.results.map(function (result) {
      return { ref: Number(result.ref), terms: negated ? [] : Object.keys(result.matchData.metadata) }
    })
    return { outcome: found.outcome, hits: hits, sanitised: planned.sanitised, tooBroad: found.tooBroad }
  }

  // ---------- Highlighting ----------

  var termCache = Object.create(null)
  var multilingual = false // whether the index last searched holds several languages

  // The index word a word of text becomes, as the index pipeline makes it.
  function termOf (word) {
    if (!(word in termCache)) {
      var folded = tools.fold(word.toLowerCase())
      termCache[word] = folded ? lunr.stemmer(new lunr.Token(folded)).toString() : ''
    }
    return termCache[word]
  }

  function isMatched (word, terms) {
    if (terms.indexOf(termOf(word)) !== -1) return true
    return multilingual && tools.queryTerms(word.toLowerCase()).some(function (term) { return terms.indexOf(term) !== -1 })
  }

  function isWordPart (character) {
    return tools.fold(character) !== ''
  }

  function highlight (text, terms) {
    if (!terms || !terms.length) return [[text, false]]
    var pieces = []
    var plain = ''
    text.split(SEPARATOR).forEach(function (piece, i) {
      if (i % 2 === 1 || !piece || !isMatched(piece, terms)) {
        plain += piece
        return
      }
      var start = 0
      var end = piece.length
      while (start < end && !isWordPart(piece.charAt(start))) start++
      while (end > start && !isWordPart(piece.charAt(end - 1))) end--
      if (plain + piece.slice(0, start)) pieces.push([plain + piece.slice(0, start), false])
      pieces.push([piece.slice(start, end), true])
      plain = piece.slice(end)
    })
    if (plain) pieces.push([plain, false])
    return pieces
  }

  tools.find = find
  tools.highlight = highlight
})(typeof window !== 'undefined' ? window : globalThis, typeof lunr !== 'undefined' ? lunr : require('../vendor/lunr/lunr.js'))
