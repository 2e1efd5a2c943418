package io.sam4j.graph;

/** A named tensor in a graph under construction: an input, an initializer or a node output. */
public record Value(String name) {}
