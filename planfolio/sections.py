"""What the plan templates call their sections and partner questions, in each language."""

from __future__ import annotations

import functools
import re

#: Canonical section key by lower-cased heading, for English, French and Spanish.
SECTION_KEYS: dict[str, str] = {
    "title": "title",
    "titre": "title",
    "título": "title",
    "challenge statement": "challenge_statement",
    "énoncé du défi": "challenge_statement",
    "declaración de desafío": "challenge_statement",
    "challenge classification": "classification",
    "classement des défis": "classification",
    "classement du défi": "classification",
    "clasificación del desafío": "classification",
    "partners": "partners",
    "les partenaires": "partners",
    "socios": "partners",
    "learning questions": "learning_questions",
    "questions d'apprentissage": "learning_questions",
    "preguntas de aprendizaje": "learning_questions",
    "closing": "closing",
    "fermeture": "closing",
    "clausura": "closing",
    "learnings on your challenge": "learnings",
    "enseignements sur votre défi": "learnings",
    "aprendizajes sobre tu desafío": "learnings",
    "data and methods": "data_methods",
    "données et méthodes": "data_methods",
    "datos y métodos": "data_methods",
    "end": "end",
    "fin": "end",
    # A machine translation of "End" (as in a fish's fin) found in real plans.
    "ailette": "end",
    # The experiment's form.
    "overview": "overview",
    "aperçu": "overview",
    "descripción general": "overview",
    "design": "design",
    "concevoir": "design",
    "diseño": "design",
    "results": "results",
    "résultats": "results",
    "resultados": "results",
    "learning": "learning",
    "apprentissage": "learning",
    "aprendiendo": "learning",
    "context": "context",
    "review": "review",
}

_FRENCH = {"titre", "énoncé du défi", "classement des défis", "classement du défi"}
_FRENCH |= {"les partenaires", "questions d'apprentissage", "fermeture"}
_FRENCH |= {"enseignements sur votre défi", "données et méthodes", "ailette"}
_SPANISH = {"título", "declaración de desafío", "clasificación del desafío", "socios"}
_SPANISH |= {"preguntas de aprendizaje", "clausura", "aprendizajes sobre tu desafío"}
_SPANISH |= {"datos y métodos"}
_FRENCH |= {"aperçu", "concevoir", "résultats", "apprentissage"}
_SPANISH |= {"descripción general", "diseño", "resultados", "aprendiendo"}

#: The key of the text of a document written without any '## ' heading (blog posts, solutions).
BODY_SECTION = "body"

PLAN_SECTIONS = {"title", "challenge_statement", "classification", "learning_questions"}
PLAN_SECTIONS |= {"closing"}
REPORT_SECTIONS = {"learnings", "data_methods", "end"}
EXPERIMENT_SECTIONS = {"overview", "design", "results", "learning"}

_PARTNER_FIELDS = (
    ("name", re.compile(r"\bname of the (partner|parter)\b|\bnom du partenaire|nombre del socio", re.I)),
    ("sector", re.compile(r"\bsector\b|\bsecteur\b", re.I)),
    ("description", re.compile(r"\bdescription\b|\bdescripción\b", re.I)),
    ("is_new", re.compile(r"\bnew and unusual partner\b|\bnouveau partenaire\b|\bnuevo socio\b", re.I)),
)


def section_key(heading: str) -> str:
    """Return the canonical key of a section heading, or "other"."""
    return SECTION_KEYS.get(heading.strip().lower(), "other")


def form_language(heading: str) -> str | None:
    """Return the language of a form's heading, and so of its questions: "en", "fr" or "es",
    or None for a heading no form has (or "fin", both French and Spanish)."""
    name = heading.strip().lower()
    if name not in SECTION_KEYS or name == "fin":
        return None
    return heading_language(name) or "en"


def heading_language(heading: str) -> str | None:
    """Return "fr" or "es" when a heading is a translated one, else None."""
    name = heading.strip().lower()
    if name in _FRENCH:
        return "fr"
    if name in _SPANISH:
        return "es"
    return None


@functools.lru_cache(maxsize=1024)
def partner_field(question: str) -> str | None:
    """Return which partner field a group question asks for, if any."""
    for field_name, pattern in _PARTNER_FIELDS:
        if pattern.search(question):
            return field_name
    return None
