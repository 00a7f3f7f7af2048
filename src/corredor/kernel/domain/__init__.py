"""The kernel's pure part: the access vocabulary every feature's rules speak."""
