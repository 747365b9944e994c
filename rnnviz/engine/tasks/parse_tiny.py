"""Parsing as translation (Vinyals et al. 2015): a sentence of a tiny generated grammar in, its
parse tree out as a bracket sequence ``parse_tree.py``), on the encoder-decoder.

The grammar (each choice equally likely):

    S  -> NP VP
    NP -> Det N | Det Adj N
    VP -> V | V NP | V NP PP
    PP -> P NP

with a small lexicon per tag. The target writes the tree over the words' tags, as the paper
does with its words: "the cat saw a dog" -> "(S (NP Det N )NP (VP V (NP Det N )NP )VP )S".
"""

from __future__ import annotations

import numpy as np
import torch

from rnnviz.engine.parse_tree import Tree, well_formed
from rnnviz.engine.tasks.base import Batch
from rnnviz.engine.tasks.seq2seq import EOS, Seq2SeqTask

LEXICON = {
    "Det": ["the", "a", "every", "some"],
    "Adj": ["big", "small", "red", "old", "happy"],
    "N": ["cat", "dog", "man", "woman", "park", "telescope", "ball", "bird"],
    "V": ["saw", "chased", "liked", "found", "watched"],
    "P": ["in", "with", "near", "on"],
}
WORDS = [w for tag in LEXICON for w in LEXICON[tag]]
LABELS = ["S", "NP", "VP", "PP"]
OUTPUT = [EOS, *(f"({x}" for x in LABELS), *(f"){x}" for x in LABELS), *LEXICON]
#: the longest sentence (Det Adj N V Det Adj N P Det Adj N) and its tree with <eos>
MAX_WORDS = 11
MAX_TREE = 2 * 6 + MAX_WORDS + 1


def noun_phrase(rng: np.random.Generator) -> Tree:
    return Tree("NP", ["Det", "Adj", "N"] if rng.random() < 0.5 else ["Det", "N"])


def sentence_tree(rng: np.random.Generator) -> Tree:
    """A random tree of the grammar (its leaves are tags)."""
    choice = int(rng.integers(3))
    verb_phrase = Tree("VP", ["V"])
    if choice >= 1:
        verb_phrase.children.append(noun_phrase(rng))
    if choice == 2:
        verb_phrase.children.append(Tree("PP", ["P", noun_phrase(rng)]))
    return Tree("S", [noun_phrase(rng), verb_phrase])


class ParseTinyTask(Seq2SeqTask):
    """Sentences of 3 to 11 words (each batch of one length) to parse into bracket trees."""

    name = "parse_tiny"
    title = "Parsing a tiny grammar as translation (seq2seq)"
    input_vocab = WORDS
    output_labels = OUTPUT
    input_size = len(WORDS)
    output_size = len(OUTPUT)
    seq_len = MAX_WORDS
    max_output_len = MAX_TREE

    def sample_pairs(self, rng, batch_size):
        length = len(sentence_tree(rng).leaves())  # lengths as often as the grammar makes them
        return self.length_pairs(rng, batch_size, length)

    def source_lengths(self) -> list[int]:
        return list(range(3, MAX_WORDS + 1))

    def length_pairs(self, rng: np.random.Generator, batch_size: int, length: int):
        """``batch_size`` (words, bracket tokens) pairs of ``length`` words."""
        pairs = []
        while len(pairs) < batch_size:
            tree = sentence_tree(rng)
            tags = tree.leaves()
            if len(tags) == length:
                words = [LEXICON[t][int(rng.integers(len(LEXICON[t])))] for t in tags]
                pairs.append((words, tree.linearise()))
        return pairs

    def decoded_metrics(self, decoded: torch.Tensor, batch: Batch) -> dict[str, float]:
        """Of greedy decoding ``decoded`` [T_dec, B]: well_formed, the share of decodings that
        end in <eos> and are one tree; exact_tree, the share that are the target tree."""
        ok = exact = 0
        B = batch.y.shape[1]
        for b in range(B):
            tokens = self.tokens_of(decoded[:, b])
            target = self.tokens_of(batch.y[:, b])
            ended = tokens[-1:] == [EOS]
            ok += ended and well_formed(tokens[:-1])
            exact += tokens == target
        return {"well_formed": ok / B, "exact_tree": exact / B}

    def describe(self) -> str:
        return (
            "Parsing as translation (Vinyals et al. 2015, 'Grammar as a Foreign Language'): "
            "a sentence of a tiny grammar (S -> NP VP, NP -> Det N | Det Adj N, VP -> V | V NP "
            "| V NP PP, PP -> P NP), 3 to 11 words, goes in; its parse tree comes out written "
            "depth first as a bracket sequence over the words' tags, like (S (NP Det N )NP (VP "
            "V )VP )S, then <eos>. The decoder must keep its brackets balanced by itself. "
            "Metrics are of greedy decoding: well_formed, the share of outputs that are one "
            "tree, and exact_tree, the share that are the right tree."
        )
