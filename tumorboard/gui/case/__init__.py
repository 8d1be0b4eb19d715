"""The case screen: the editor, its field widgets and the case view that hosts them."""
