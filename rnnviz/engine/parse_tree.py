"""Parse trees written as bracket sequences (Vinyals et al. 2015, "Grammar as a Foreign
Language"), and back.

A tree is linearised depth first: a constituent X is "(X", its children, ")X"; a leaf is its
part-of-speech tag. "(S (NP Det N )NP (VP V )VP )S" is S over NP (Det N) and VP (V).

A token sequence is well formed when it is exactly one such tree: it opens with "(X", every
")X" closes the innermost open "(X" of the same label, every constituent has at least one
child, no bracket stays open and nothing follows the root's ")X".
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Tree:
    """A constituent ``label`` over ``children`` (trees, or leaf tags as strings)."""

    label: str
    children: list[Tree | str] = field(default_factory=list)

    def linearise(self) -> list[str]:
        tokens = [f"({self.label}"]
        for child in self.children:
            tokens += child.linearise() if isinstance(child, Tree) else [child]
        return [*tokens, f"){self.label}"]

    def leaves(self) -> list[str]:
        out: list[str] = []
        for child in self.children:
            out += child.leaves() if isinstance(child, Tree) else [child]
        return out


def problem(tokens: list[str]) -> tuple[int, str] | None:
    """None when ``tokens`` is well formed, else (index of the first bad token, or
    len(tokens) when the sequence ends too early, and a sentence saying what is wrong)."""
    if not tokens:
        return 0, "the sequence is empty"
    if not tokens[0].startswith("("):
        return 0, f"a tree must open with a bracket, not {tokens[0]!r}"
    stack: list[tuple[str, int]] = []  # open labels with their child counts
    for i, token in enumerate(tokens):
        if not stack and i > 0:
            return i, f"{token!r} follows the end of the tree"
        if token.startswith("("):
            if stack:
                stack[-1] = (stack[-1][0], stack[-1][1] + 1)
            stack.append((token[1:], 0))
        elif token.startswith(")"):
            label, children = stack.pop()
            if token[1:] != label:
                return i, f"{token!r} closes ({label}"
            if children == 0:
                return i, f"({label} has no children"
        else:
            stack[-1] = (stack[-1][0], stack[-1][1] + 1)
    if stack:
        return len(tokens), f"({stack[-1][0]} is never closed"
    return None


def well_formed(tokens: list[str]) -> bool:
    return problem(tokens) is None


def parse_brackets(tokens: list[str]) -> Tree:
    """The tree of a well-formed bracket sequence; ValueError with ``problem``'s sentence
    otherwise."""
    tokens = list(tokens)
    bad = problem(tokens)
    if bad is not None:
        raise ValueError(f"not a well-formed tree: {bad[1]}")
    stack: list[Tree] = []
    root = None
    for token in tokens:
        if token.startswith("("):
            node = Tree(token[1:])
            if stack:
                stack[-1].children.append(node)
            stack.append(node)
        elif token.startswith(")"):
            root = stack.pop()
        else:
            stack[-1].children.append(token)
    return root


@dataclass(frozen=True)
class Node:
    """A drawn node: its ``label``, ``x`` (leaves at 0, 1, 2 ...; a constituent at the mean
    of its children's), ``depth`` (root 0) and ``parent`` (index in the list, -1 the root)."""

    label: str
    x: float
    depth: int
    parent: int
    leaf: bool


def layout(tree: Tree) -> list[Node]:
    """Every node of ``tree`` in depth-first order, placed for drawing."""
    nodes: list[Node] = []
    next_leaf = [0]

    def place(item, depth: int, parent: int) -> float:
        index = len(nodes)
        if isinstance(item, str):
            nodes.append(Node(item, float(next_leaf[0]), depth, parent, True))
            next_leaf[0] += 1
            return nodes[index].x
        nodes.append(Node(item.label, 0.0, depth, parent, False))
        xs = [place(child, depth + 1, index) for child in item.children]
        nodes[index] = Node(item.label, sum(xs) / len(xs), depth, parent, False)
        return nodes[index].x

    place(tree, 0, -1)
    return nodes
