"""The colours of every drawing: the silo map (DOT), the journey view (SVG) and anything that
names them. One module, so the two drawings cannot drift apart again.

The marks come from Okabe and Ito's palette for colour-blind readers: blue, bluish green for a
barrier with an owner, vermillion for one no one owns (never red against green), yellow for the
family. Fills are light tints of those, so dark text on them keeps AA contrast or better; text in
a colour uses a darkened shade. Every colour also comes with a shape, a line style and a word
("NO OWNER"), so the drawings read in greyscale too. tests/unit/test_palette.py checks the
contrast, that the pairs that carry meaning stay apart under colour blindness, that each tint and
shade keeps its base colour's hue, and that the CSS copies of these colours match.

The tints differ between the drawings on purpose: the silo map's barriers are whole nodes and take
a stronger tint than the journey view's barrier lines on a card.
"""

from __future__ import annotations

# Okabe-Ito bases.
BLUE = "#0072B2"
VERMILLION = "#D55E00"
BLUISH_GREEN = "#009E73"
YELLOW = "#F0E442"

# Greys, text and paper.
INK = "#1a1a1a"  # all text; static/css/app.css --ink and brief.css --b-ink are the same colour
MUTED = "#4a4a4a"  # secondary text, lines
PAPER = "#ffffff"

# The silo map.
SILO_FILL = "#eef5fb"  # blue, tinted
SILO_BORDER = BLUE.lower()
FAMILY_FILL = "#fbe9a6"  # yellow, tinted
CASEWORKER_FILL = PAPER
OWNED_FILL = "#b3e0cf"  # bluish green, tinted
OWNED_BORDER = "#00664a"  # bluish green, darkened
UNOWNED_FILL = "#f6c29b"  # vermillion, tinted
UNOWNED_BORDER = "#a34700"  # vermillion, darkened: 6.1:1 on white, for the area's title
EDGE = MUTED
LEGEND_BORDER = "#6b6b6b"

# The journey view.
LANE_TINT = "#f3f5f8"
HEADER_TINT = "#e3e9f0"
STRIP_TINT = "#fafbfc"
RULE = "#b8c0ca"
CARD_BORDER = "#5b6570"
UNOWNED_TINT = "#fde4d6"  # vermillion, lightly tinted: a barrier line no one owns
UNOWNED_TEXT = "#8a3200"  # vermillion darkened for text: 6.8:1 on its tint
OWNED_TINT = "#d9efe6"  # bluish green, lightly tinted: a barrier line with an owner
