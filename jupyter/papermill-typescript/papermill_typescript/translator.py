"""papermill's Translator for TypeScript: parameters as ``const`` declarations, and the parameters cell read back.

Only papermill.translators and papermill.models are imported here (never papermill.engines), so that
this module can load while papermill itself is still importing (see engine.py).
"""

import json
import math
import re

from papermill.models import Parameter
from papermill.translators import Translator, papermill_translators

# The notebook language tslab reports, and the kernel's name in the notebooks' metadata.
LANGUAGE = "typescript"
KERNEL_NAME = "tslab"


class TypeScriptTranslator(Translator):
    """YAML/JSON values as TypeScript literals: ``const name = <literal>;`` per parameter."""

    @classmethod
    def translate_str(cls, val):
        """A string; one that is a whole JSON array or object becomes that array or object.

        papermill's ``-p name value`` resolves only True, False, None, integers and floats; anything
        else reaches the translator as a string, so ``-p seeds '[7]'`` would declare the string
        ``"[7]"``. A notebook's list or object parameter could then only be set with ``-y``/``-f``;
        read as JSON, ``-p seeds '[7]'`` declares ``[7]``. The price: such a text cannot be passed as
        a string (``-r`` and ``-y`` strings are read the same way).
        """
        text = val.strip()
        if text[:1] in ("[", "{"):
            try:
                parsed = json.loads(text)
            except ValueError:
                parsed = None
            if isinstance(parsed, (list, dict)):
                return cls.translate(parsed)
        return cls.translate_escaped_str(val)

    @classmethod
    def translate_escaped_str(cls, str_val):
        # JSON's string syntax is TypeScript's double-quoted one; U+2028/U+2029 escaped for older parsers.
        text = json.dumps(str(str_val), ensure_ascii=False)
        return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")

    @classmethod
    def translate_none(cls, val):
        return "null"

    @classmethod
    def translate_bool(cls, val):
        return "true" if val else "false"

    @classmethod
    def translate_int(cls, val):
        # A TypeScript number: integers beyond 2**53 lose precision, as JSON.parse would lose it.
        return str(int(val))

    @classmethod
    def translate_float(cls, val):
        if math.isnan(val):
            return "NaN"
        if math.isinf(val):
            return "-Infinity" if val < 0 else "Infinity"
        return repr(float(val))  # 0.001, 1e-05, 1e+20: all valid TypeScript

    @classmethod
    def translate_list(cls, val):
        return "[" + ", ".join(cls.translate(item) for item in val) + "]"

    @classmethod
    def translate_dict(cls, val):
        entries = ", ".join(f"{cls.translate_escaped_str(cls._key(key))}: {cls.translate(item)}" for key, item in val.items())
        return "{" + entries + "}"

    @classmethod
    def _key(cls, key):
        """An object key as JavaScript would spell it (YAML allows 1:, true:, null: as keys)."""
        if isinstance(key, bool):
            return "true" if key else "false"
        if key is None:
            return "null"
        if isinstance(key, float):
            return cls.translate_float(key)
        return str(key)

    @classmethod
    def translate(cls, val):
        if isinstance(val, (tuple, set, frozenset)):  # from papermill's Python API
            return cls.translate_list(list(val))
        return super().translate(val)

    @classmethod
    def comment(cls, cmt_str):
        return f"// {cmt_str}".strip()

    @classmethod
    def assign(cls, name, str_val):
        return f"const {name} = {str_val};"

    @classmethod
    def inspect(cls, parameters_cell):
        """The parameters cell's declarations, for ``papermill --help-notebook`` and ``inspect_notebook``.

        One parameter per ``const``/``let``/``var`` declaration (``export`` allowed), possibly over several
        lines (an array or object literal); its type is the annotation if any, else inferred from a
        literal; its help is the ``//`` comment on the declaration's last line, else on its first.
        Anything else in the cell is skipped, never an error.
        """
        source = parameters_cell["source"]
        if isinstance(source, list):
            source = "".join(source)
        parameters = []
        for lines in _declarations(source.splitlines()):
            parameter = _parameter(lines)
            if parameter is not None:
                parameters.append(parameter)
        return parameters


def register():
    """Registers the translator for the language and for the kernel (papermill looks up the kernel first)."""
    papermill_translators.register(LANGUAGE, TypeScriptTranslator)
    papermill_translators.register(KERNEL_NAME, TypeScriptTranslator)


# ----- reading the parameters cell -----

_DECLARATION = re.compile(r"^\s*(?:export\s+)?(?:const|let|var)\s+(?P<name>[A-Za-z_$][\w$]*)\s*(?P<rest>.*)$")
_NUMBER = re.compile(r"^[+-]?(?:(?:\d[\d_]*(?:\.[\d_]*)?|\.\d[\d_]*)(?:[eE][+-]?\d+)?|0[xX][\da-fA-F_]+|0[bB][01_]+|0[oO][0-7_]+|NaN|Infinity)$")


def _outside_strings(text):
    """Yields (index, character) of every character of ``text`` outside string literals ('', "", ``)."""
    quote = None
    i = 0
    while i < len(text):
        char = text[i]
        if quote:
            if char == "\\":
                i += 1
            elif char == quote:
                quote = None
        elif char in "'\"`":
            quote = char
        else:
            yield i, char
        i += 1


def _split_comment(line):
    """(code, comment) of one line: the comment starts at the first ``//`` outside a string literal."""
    for i, _ in _outside_strings(line):
        if line.startswith("//", i):
            return line[:i].rstrip(), line[i + 2:].strip()
    return line.rstrip(), ""


def _declarations(lines):
    """Groups the lines into declarations: a group starts at each ``const``/``let``/``var`` line."""
    group = []
    in_block_comment = False
    for line in lines:
        stripped = line.strip()
        if in_block_comment or stripped.startswith("/*"):
            in_block_comment = "*/" not in stripped
            continue
        code, _ = _split_comment(line)
        if not code.strip():
            continue
        if _DECLARATION.match(code):
            if group:
                yield group
            group = [line]
        elif group:
            group.append(line)
    if group:
        yield group


def _top_level(text, separators):
    """Indices of the characters in ``separators`` outside brackets and string literals."""
    depth = 0
    found = []
    for i, char in _outside_strings(text):
        if char in "([{<":
            depth += 1
        elif char in ")]}>" and not (char == ">" and i > 0 and text[i - 1] == "="):
            depth -= 1
        elif depth == 0 and char in separators:
            found.append(i)
    return found


def _parameter(lines):
    """A Parameter from one declaration's lines, or None when it is not ``name[: type] = value``."""
    codes, comments = zip(*(_split_comment(line) for line in lines))
    declaration = _DECLARATION.match(codes[0])
    rest = " ".join([declaration.group("rest")] + [code.strip() for code in codes[1:]]).strip()
    # The `=` that assigns: the first one outside brackets that is not part of `=>`, `==` or `>=`.
    assignment = next((i for i in _top_level(rest, "=") if rest[i + 1:i + 2] not in ("=", ">") and rest[i - 1:i] not in ("=", "!", "<", ">")), None)
    if assignment is None:
        return None
    annotation = rest[:assignment].strip()
    if annotation and not annotation.startswith(":"):
        return None
    annotation = annotation[1:].strip()
    value = rest[assignment + 1:].strip()
    if value.endswith(";"):
        value = value[:-1].rstrip()
    help_text = next((comment for comment in (comments[-1], comments[0]) if comment), "")
    return Parameter(
        name=declaration.group("name"),
        inferred_type_name=annotation or _literal_type(value),
        default=value,
        help=help_text,
    )


def _literal_type(value):
    """The TypeScript type of a literal, ``"None"`` (papermill's 'unknown') when it is not one."""
    value = re.sub(r"\s+as\s+const$", "", value.strip())
    if _NUMBER.match(value) or (value.startswith("-") and _NUMBER.match(value[1:].strip())):
        return "number"
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"`":
        return "string"
    if value in ("true", "false"):
        return "boolean"
    if value in ("null", "undefined"):
        return value
    if value.startswith("[") and value.endswith("]"):
        inner = value[1:-1].strip()
        if not inner:
            return "None"
        cuts = [-1] + _top_level(inner, ",") + [len(inner)]
        items = [inner[a + 1:b].strip() for a, b in zip(cuts, cuts[1:])]
        types = {_literal_type(item) for item in items if item}
        if len(types) == 1 and "None" not in types:
            (element,) = types
            return f"{element}[]"
        return "None"
    if value.startswith("{") and value.endswith("}"):
        return "object"
    return "None"
