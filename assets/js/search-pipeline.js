/*
 * planfolio search pipeline: the browser twin of planfolio/stemmer.py and search.py.
 *
 * Load after lunr.js 2.3.9 and before any index. It registers the accent folding
 * function under the label 'planfolioFold' (the label the indexes' pipelines name,
 * and the one planfolio/stemmer.py registers with lunr.py), and defines
 * window.PlanfolioSearch with:
 *   fold(token)        the folded form of one token ('' when nothing is left): accents
 *                      folded, then non-word characters trimmed from both ends
 *   foldAccents(text)  text with accents folded only; run a whole query through it
 *                      before idx.search(), since lunr skips the pipeline for wildcards
 *   foldFunction       the registered pipeline function
 *   loadIndex(packed)  a lunr.Index from the packed index of search-index.js or
 *                      search-fulltext.js (search-index.json needs only lunr.Index.load)
 * lunr.js's own 'stemmer' is the stemmer the indexes were built with.
 *
 * On a site with French or Spanish plans (whose index pipeline is 'planfolioLanguages'),
 * load lunr-languages' lunr.stemmer.support.js, lunr.fr.js and lunr.es.js before this
 * file: a query word then looks up its English, French and Spanish terms (see
 * planfolio/snowball.py, whose twin this is), each marked with its language as the
 * index marks the terms of French and Spanish documents, so that each finds the
 * documents of its language alone; and PlanfolioSearch also has
 *   queryTerms(word)   the terms of one query word in every language, once each
 *   isWeakWord(word)   whether it is a stop word of French or Spanish only: looked up,
 *                      but never required of a document
 *   languageTerm(language, word)   the term of a French or Spanish word without its
 *                      language's mark, or ''
 */
;(function (global, lunr) {
  'use strict'

  // Keep these three in step with planfolio/stemmer.py (_MARKS, _LETTERS, _TRIM).
  var MARKS = /[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]+/g
  var LETTERS = {
    '\u00df': 'ss', '\u00e6': 'ae', '\u0153': 'oe', '\u00f8': 'o', '\u0111': 'd',
    '\u00f0': 'd', '\u00fe': 'th', '\u0142': 'l', '\u0127': 'h', '\u0131': 'i',
    '\u0140': 'l', '\u0167': 't', '\u2018': "'", '\u2019': "'", '\u02bc': "'"
  }
  var LETTER = /[\u00df\u00e6\u0153\u00f8\u0111\u00f0\u00fe\u0142\u0127\u0131\u0140\u0167\u2018\u2019\u02bc]/g
  var TRIM = /^[^A-Za-z0-9_]*([\s\S]*[A-Za-z0-9_])?/
  // Every posting's metadata: lunr keeps none here (no metadata whitelist) and only
  // reads it, so one frozen empty object serves them all and spares the allocations.
  var NO_METADATA = Object.freeze({})
  var K1 = 1.2
  var B = 0.75

  function foldAccents (text) {
    if (!/[^\x00-\x7f]/.test(text)) return text
    return text.normalize('NFKD').replace(MARKS, '').replace(LETTER, function (c) { return LETTERS[c] })
  }

  function fold (token) {
    return TRIM.exec(foldAccents(token))[1] || ''
  }

  // A token that folds to nothing leaves the pipeline, so '' is never a term.
  function planfolioFold (token) {
    var folded = fold(token.toString())
    return folded ? token.update(function () { return folded }) : undefined
  }

  lunr.Pipeline.registerFunction(planfolioFold, 'planfolioFold')

  function decodePostings (packed) {
    var fields = packed.fields
    var n = packed.documentCount
    var inverted = packed.terms.map(function (term, index) {
      var posting = { _index: index }
      fields.forEach(function (field) { posting[field] = {} })
      return posting
    })
    var withTerm = packed.terms.map(function () { return 0 })
    var vectors = fields.map(function () {
      var perDoc = []
      for (var d = 0; d < n; d++) perDoc.push([])
      return perDoc
    })
    fields.forEach(function (field, f) {
      var termIndex = 0
      packed.postings[f].forEach(function (entry) {
        termIndex += entry[0]
        var doc = 0
        for (var k = 1; k < entry.length; k++) {
          var value = entry[k]
          var docTerms = vectors[f][doc]
          if (value < 0) {
            docTerms[docTerms.length - 1] = -value
            continue
          }
          doc += value
          inverted[termIndex][field][doc] = NO_METADATA
          withTerm[termIndex] += 1
          vectors[f][doc].push(termIndex, 1)
        }
      })
    })
    return { inverted: inverted, withTerm: withTerm, termFrequencies: vectors }
  }

  // The weights lunr.Builder.createFieldVectors gives, in the same order of operations.
  function fieldVector (pairs, idf, fieldLength, average, boost) {
    var elements = []
    for (var i = 0; i < pairs.length; i += 2) {
      var tf = pairs[i + 1]
      var score = idf[pairs[i]] * ((K1 + 1) * tf) / (K1 * (1 - B + B * (fieldLength / average)) + tf)
      score *= boost
      elements.push(pairs[i], Math.round(score * 1000) / 1000)
    }
    return elements
  }

  function loadIndex (packed) {
    var decoded = decodePostings(packed)
    var n = packed.documentCount
    var idf = decoded.withTerm.map(function (count) {
      var x = (n - count + 0.5) / (count + 0.5)
      return Math.log(1 + Math.abs(x))
    })
    var averages = packed.lengths.map(function (lengths) {
      return lengths.reduce(function (sum, length) { return sum + length }, 0) / n
    })
    var fieldVectors = []
    for (var doc = 0; doc < n; doc++) {
      packed.fields.forEach(function (field, f) {
        var pairs = decoded.termFrequencies[f][doc]
        var vector = fieldVector(pairs, idf, packed.lengths[f][doc], averages[f], packed.boosts[f])
        fieldVectors.push([field + '/' + doc, vector])
      })
    }
    var index = lunr.Index.load({
      version: packed.version,
      fields: packed.fields,
      fieldVectors: fieldVectors,
      invertedIndex: packed.terms.map(function (term, i) { return [term, decoded.inverted[i]] }),
      pipeline: packed.pipeline
    })
    if (multilingual && packed.pipeline.indexOf('planfolioLanguages') !== -1) {
      index.pipeline = new lunr.Pipeline()
      index.pipeline.add(termsIn(index))
    }
    return index
  }

  // ---------- French and Spanish ----------

  // French elisions (l', d', qu'...), dropped before the stop words: planfolio's own step.
  var ELISION = /^(?:[cdjlmnst]|qu|jusqu|lorsqu|puisqu)['\u2019]/
  var LANGUAGES = ['fr', 'es']
  // Keep in step with planfolio/snowball.py (TERM_MARKS), which says why these.
  var TERM_MARKS = { fr: '\uff5cfre', es: '\uff5cspa' }
  var WILDCARD = '*'
  var multilingual = Boolean(lunr.fr && lunr.es)

  function tokenOf (word) {
    return new lunr.Token(word, {})
  }

  // Trimmed, elided (French), stop words left out, stemmed with its accents, then folded.
  function languageTerm (language, word) {
    return languageTermOrNull(language, word) || ''
  }

  // The term of a word, '' when nothing is left, null for a stop word.
  function languageTermOrNull (language, word) {
    var forms = lunr[language]
    var trimmed = forms.trimmer(tokenOf(word)).toString()
    if (language === 'fr') trimmed = trimmed.replace(ELISION, '')
    if (!trimmed || !forms.stopWordFilter(tokenOf(trimmed))) return null
    return fold(forms.stemmer(tokenOf(trimmed)).toString())
  }

  function englishTerm (word) {
    var folded = fold(word)
    if (!folded || !lunr.stopWordFilter(tokenOf(folded))) return null
    return lunr.stemmer(tokenOf(folded)).toString()
  }

  // None for an English stop word: "and" is no French word to look for in English plans.
  // A stop word of French or Spanish only (ai, son, sur) looks up the other languages' terms.
  function queryTerms (word) {
    var terms = []
    var english = englishTerm(word)
    if (!english) return terms
    var candidates = [english].concat(LANGUAGES.map(function (language) {
      var term = languageTermOrNull(language, word)
      return term && term + TERM_MARKS[language]
    }))
    candidates.forEach(function (term) {
      if (term && terms.indexOf(term) === -1) terms.push(term)
    })
    return terms
  }

  // Whether a query word is a stop word of French or Spanish but not of English: it is
  // looked up, but no document needs to hold it (the French plans have no 'sur').
  function isWeakWord (word) {
    return Boolean(englishTerm(word)) && LANGUAGES.some(function (language) { return languageTermOrNull(language, word) === null })
  }

  // A query word becomes one token for each of its terms; none for a stop word of every language.
  function planfolioLanguages (token) {
    var terms = queryTerms(token.toString())
    return terms.map(function (term) { return token.clone(function () { return term }) })
  }

  if (multilingual) lunr.Pipeline.registerFunction(planfolioLanguages, 'planfolioLanguages')

  // A wildcard term as it stands for words of every language: a term of a French or
  // Spanish document ends with its language's mark, which a '*' at the end covers.
  function wildcardTerms (term) {
    if (term.charAt(term.length - 1) === WILDCARD) return [term]
    return [term].concat(LANGUAGES.map(function (language) { return term + TERM_MARKS[language] }))
  }

  // planfolioLanguages for one index: only the terms the index holds. lunr's Index.query
  // gives no result for a required word when any one of its terms is missing from the
  // index (it reads the terms of a word as all needed), so a French word would miss
  // every plan whenever its English term is in none. When the index holds none of them,
  // the first is kept, for a typo tolerance to expand or for the word to find nothing.
  // A wildcard term comes here only from search-query.js, which sends it through the
  // pipeline on such an index (lunr's parser does not).
  function termsIn (index) {
    function isHeld (term) {
      if (term.indexOf(WILDCARD) === -1) return term in index.invertedIndex
      return index.tokenSet.intersect(lunr.TokenSet.fromString(term)).toArray().length > 0
    }
    function planfolioLanguagesIn (token) {
      var text = token.toString()
      var terms = text.indexOf(WILDCARD) === -1 ? queryTerms(text) : wildcardTerms(text)
      var held = terms.filter(isHeld)
      return (held.length ? held : terms.slice(0, 1)).map(function (term) {
        return token.clone(function () { return term })
      })
    }
    planfolioLanguagesIn.planfolioLanguages = true
    planfolioLanguagesIn.label = 'planfolioLanguages' // registered under it, so lunr does not warn
    return planfolioLanguagesIn
  }

  global.PlanfolioSearch = {
    fold: fold,
    foldAccents: foldAccents,
    foldFunction: planfolioFold,
    loadIndex: loadIndex,
    multilingual: multilingual,
    languagesFunction: multilingual ? planfolioLanguages : null,
    languageTerm: multilingual ? languageTerm : null,
    queryTerms: multilingual ? queryTerms : null,
    isWeakWord: multilingual ? isWeakWord : null
  }
})(typeof window !== 'undefined' ? window : globalThis, typeof lunr !== 'undefined' ? lunr : require('../vendor/lunr/lunr.js'))
