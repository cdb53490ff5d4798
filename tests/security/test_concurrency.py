"""Shared state under threads: the French stemmer of the search index is used by every gunicorn thread at once
(right after a restart, 25-79 % of concurrent « Préparer un achat » requests answered 500)."""

import threading

from snowballstemmer import french_stemmer

from pilote.contracts.search import text


WORDS = [
    "restauration", "scolaires", "nettoyage", "bâtiments", "communaux", "fournitures", "informatiques",
    "travaux", "réhabilitation", "énergétique", "écoles", "maternelles", "prestations", "intellectuelles",
    "entretien", "espaces", "verts", "marchés", "publics", "collectivités", "alimentaires", "biologiques",
]  # fmt: skip


def test_terms_are_right_when_many_threads_stem_at_once():
    reference = french_stemmer.FrenchStemmer()  # Snowball's pure-Python implementation
    expected = {word: text.fold(reference.stemWord(word)) for word in WORDS}
    stem = text.term.__wrapped__  # past the cache: every call stems
    barrier = threading.Barrier(8)
    wrong, errors = [], []

    def work(offset: int):
        barrier.wait()
        try:
            for n in range(3000):
                word = WORDS[(n + offset) % len(WORDS)]
                got = stem(word)
                if got != expected[word]:
                    wrong.append((word, got))
        except Exception as error:  # the failure under test is any exception in a thread
            errors.append(repr(error))

    threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert wrong == []
