"""Text likeness that needs no network and no language model: character n-gram TF-IDF cosine.

Words are cut into overlapping pieces of 3 to 5 characters (a space marks each word's start and end),
so "älypuhelin" and "älypuhelimet", "smartphone" and "smartphones", "återtag" and "återtagning" share
most of their pieces without a stemmer for each of Finnish, Swedish, English, Danish and Norwegian.
Pieces are weighted by how rare they are in the documents compared (IDF over the candidate set),
counts are damped (1 + log), and each document's vector has length one, so the cosine is a dot product.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Sequence

GRAM_SIZES = (3, 4, 5)
WORD_RE = re.compile(r"[^\W_]+")
SHARED_WORD_MIN = 5  # shorter common words ("with", "and", "för") explain nothing
STEM = 6


def words(text: str) -> list[str]:
    return WORD_RE.findall(unicodedata.normalize("NFKC", text or "").casefold())


def grams(text: str) -> Counter[str]:
    counts: Counter[str] = Counter()
    for word in words(text):
        padded = f" {word} "
        for n in GRAM_SIZES:
            counts.update(padded[i:i + n] for i in range(len(padded) - n + 1))
    return counts


class TextIndex:
    """Unit TF-IDF vectors of a few documents; ``similarity(i, j)`` is their cosine (0 to 1)."""

    def __init__(self, texts: Sequence[str]):
        counts = [grams(t) for t in texts]
        df: Counter[str] = Counter()
        for c in counts:
            df.update(c.keys())
        n = len(texts)
        idf = {g: math.log((1 + n) / (1 + d)) + 1.0 for g, d in df.items()}
        self.vectors: list[dict[str, float]] = []
        for c in counts:
            vec = {g: (1.0 + math.log(tf)) * idf[g] for g, tf in c.items()}
            norm = math.sqrt(sum(v * v for v in vec.values()))
            self.vectors.append({g: v / norm for g, v in vec.items()} if norm else {})
        self.texts = list(texts)

    def similarity(self, i: int, j: int) -> float:
        a, b = self.vectors[i], self.vectors[j]
        if len(a) > len(b):
            a, b = b, a
        return sum(v * b.get(g, 0.0) for g, v in a.items())

    def shared_words(self, i: int, j: int, limit: int = 4) -> list[str]:
        """Longer words of text i that text j uses too, longest first: what the likeness rests on.

        Two words count as one when they begin with the same six letters, so inflected forms meet
        ("älypuhelimet", "älypuhelimia"; "laptop", "laptops").
        """
        def stems(text):
            return {w[:STEM]: w for w in words(text) if len(w) >= SHARED_WORD_MIN and not w.isdigit()}

        mine, theirs = stems(self.texts[i]), stems(self.texts[j])
        common = {mine[s] for s in mine.keys() & theirs.keys()}
        return sorted(common, key=lambda w: (-len(w), w))[:limit]
