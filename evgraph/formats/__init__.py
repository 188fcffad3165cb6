"""Interchange formats: one module per format, each with a reader and/or a writer.

Readers add records to a :class:`~evgraph.build.builder.GraphBuilder`; writers take a
:class:`~evgraph.model.KnowledgeGraph` and an output path. The registries below are what
``evgraph build --source NAME=PATH`` and ``evgraph export FORMAT`` dispatch on.
"""
