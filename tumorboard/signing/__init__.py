"""Digital signatures of signed minutes: the chairs' keys and certificates (``keys``) and the
PAdES signature of the PDF (``pades``). Plain bytes in and out: no database, no Qt."""
