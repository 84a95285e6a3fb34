"""The norm files behind :class:`constraints.catalogue.NormCatalogue`: their schema, reading and
validation, Russian wording and the warnings for a planning window."""
