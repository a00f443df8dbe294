package io.kairos.api;

import io.kairos.api.security.RequiresScope;
import io.kairos.api.security.Scope;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.headers.Header;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.media.ArraySchema;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springdoc.core.customizers.OperationCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.bind.annotation.PathVariable;

/**
 * The OpenAPI 3 document at {@code /v3/api-docs}: the bearer API-key scheme on every operation, and
 * each operation's error responses as {@code application/problem+json} with one Problem schema, so
 * generated clients can read errors.
 */
@Configuration(proxyBeanMethods = false)
class ApiDocumentation {

  static final String API_KEY = "apiKey";
  static final String PROBLEM = "Problem";

  @Bean
  OpenAPI kairosOpenApi() {
    return new OpenAPI()
        .info(
            new Info()
                .title("Kairos API")
                .version("v1")
                .description(
                    "Schedule, inspect and control jobs of a Kairos cluster. Every operation needs"
                        + " an API key (Authorization: Bearer <key>) with the scope named in its"
                        + " description; errors are RFC 9457 problem details."))
        .components(
            new Components()
                .addSecuritySchemes(
                    API_KEY,
                    new SecurityScheme()
                        .type(SecurityScheme.Type.HTTP)
                        .scheme("bearer")
                        .description(
                            "An API key. Scopes: jobs:read, jobs:write (includes jobs:read),"
                                + " admin (everything)."))
                .addSchemas(PROBLEM, problemSchema())
                // Payloads and payload schemas: free-form JSON objects.
                .addSchemas(
                    "JsonObject",
                    new ObjectSchema().additionalProperties(true).description("a JSON object")))
        .addSecurityItem(new SecurityRequirement().addList(API_KEY));
  }

  /**
   * Every property a schema does not list as required may be null, and responses do carry explicit
   * nulls ({@code "lastRun": null}): said so with OpenAPI 3.0's {@code nullable}, so that generated
   * clients accept them. A reference cannot carry {@code nullable} beside it (siblings of {@code
   * $ref} are ignored), so a nullable reference becomes {@code allOf: [$ref], nullable: true}.
   */
  @Bean
  OpenApiCustomizer nullableFields() {
    return openApi -> {
      if (openApi.getComponents() == null || openApi.getComponents().getSchemas() == null) {
        return;
      }
      openApi
          .getComponents()
          .getSchemas()
          .forEach(
              (name, schema) -> {
                if (PROBLEM.equals(name) || schema.getProperties() == null) {
                  return;
                }
                List<String> required =
                    schema.getRequired() == null ? List.of() : schema.getRequired();
                Map<String, Schema> properties = new LinkedHashMap<>(schema.getProperties());
                properties.replaceAll(
                    (property, s) -> {
                      if (required.contains(property)) {
                        return s;
                      }
                      if (s.get$ref() != null) {
                        return new Schema<>()
                            .allOf(List.of(new Schema<>().$ref(s.get$ref())))
                            .description(s.getDescription())
                            .nullable(true);
                      }
                      return s.nullable(true);
                    });
                schema.setProperties(properties);
              });
    };
  }

  @Bean
  OperationCustomizer problemResponses() {
    return (operation, handler) -> {
      RequiresScope scope = handler.getMethodAnnotation(RequiresScope.class);
      Scope required = scope == null ? Scope.ADMIN : scope.value();
      String description = operation.getDescription() == null ? "" : operation.getDescription();
      operation.setDescription(
          (description + "\n\nRequires scope `" + required.text() + "`.").strip());
      ApiResponses responses = operation.getResponses();
      responses.addApiResponse("400", problem("Invalid request; the problem names the field"));
      responses.addApiResponse("401", problem("No API key, or an unknown one"));
      responses.addApiResponse("403", problem("The API key lacks the scope"));
      boolean byId =
          Arrays.stream(handler.getMethodParameters())
              .anyMatch(p -> p.hasParameterAnnotation(PathVariable.class));
      if (byId) {
        responses.addApiResponse("404", problem("No job, dead job or credential with this id"));
      }
      if (required == Scope.JOBS_WRITE) {
        responses.addApiResponse(
            "409",
            problem(
                    "Conflict: the id is taken by another job, or the job's state does not allow"
                        + " this (running: see runningOn, and retry after Retry-After seconds;"
                        + " paused; or final)")
                .addHeaderObject(
                    "Retry-After",
                    new Header()
                        .description("when the job is running: seconds to wait before trying again")
                        .schema(new IntegerSchema())));
      }
      return operation;
    };
  }

  private static ApiResponse problem(String description) {
    return new ApiResponse()
        .description(description)
        .content(
            new Content()
                .addMediaType(
                    org.springframework.http.MediaType.APPLICATION_PROBLEM_JSON_VALUE,
                    new MediaType()
                        .schema(new Schema<>().$ref("#/components/schemas/" + PROBLEM))));
  }

  @SuppressWarnings("rawtypes")
  private static Schema problemSchema() {
    return new ObjectSchema()
        .description("RFC 9457 problem details")
        .addProperty("type", new StringSchema().example("about:blank"))
        .addProperty("title", new StringSchema())
        .addProperty("status", new IntegerSchema())
        .addProperty("detail", new StringSchema())
        .addProperty("instance", new StringSchema())
        .addProperty(
            "field",
            new StringSchema()
                .description("the offending request field, as a JSON path, e.g. schedule.cron"))
        .addProperty(
            "errors",
            new ArraySchema()
                .description(
                    "on a 400 about the request's fields: every offending field (a payload is"
                        + " checked whole), the first being the one in field")
                .items(
                    new ObjectSchema()
                        .addProperty("field", new StringSchema().description("a JSON path"))
                        .addProperty("detail", new StringSchema().description("what is wrong"))))
        .addProperty("state", new StringSchema().description("the job's state, on a 409 about it"))
        .addProperty(
            "runningOn",
            new StringSchema().description("the worker running the job, on a 409 about it"))
        .addProperty("requiredScope", new StringSchema().description("on a 403: the scope needed"));
  }
}
