package io.sam4j.server;

import io.sam4j.modeling.sam3.Sam3Model;

/**
 * A SAM 3 model the server offers for concept prompts ({@code POST /v1/images/{id}/concepts}).
 *
 * @param name the name in API calls ({@code ?model=NAME})
 * @param model the loaded model, shared by all requests (the server does not close it)
 */
public record ConceptModel(String name, Sam3Model model) {}
