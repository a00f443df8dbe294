package io.kairos.api.oauth;

import io.kairos.api.audit.AuditAction;
import io.kairos.api.audit.AuditTrail;
import io.kairos.api.job.Page;
import io.kairos.api.job.Paging;
import io.kairos.api.security.RequiresScope;
import io.kairos.api.security.Scope;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.net.URI;
import java.security.Principal;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** OAuth2 credentials kept fresh by their refresh jobs. Secrets go in, never out. */
@RestController
@RequestMapping(path = "/api/v1/oauth/credentials", produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "oauth credentials", description = "OAuth2 credentials whose tokens Kairos renews")
class CredentialController {

  private final CredentialService credentials;
  private final AuditTrail audit;

  CredentialController(CredentialService credentials, AuditTrail audit) {
    this.credentials = credentials;
    this.audit = audit;
  }

  @Operation(
      operationId = "createCredential",
      summary = "Store a credential and start renewing its tokens",
      description =
          "Seals clientSecret and refreshToken with KAIROS_ENCRYPTION_KEY and submits its refresh"
              + " job (id oauth-refresh:<id>, due now) in the same transaction. The response"
              + " never carries a secret. 409 when the id is taken; 503 when the API has no"
              + " encryption key.")
  @ApiResponse(
      responseCode = "201",
      description = "created",
      content = @Content(schema = @Schema(implementation = CredentialResponse.class)))
  @ApiResponse(
      responseCode = "409",
      description = "a credential with this id exists",
      content =
          @Content(
              mediaType = MediaType.APPLICATION_PROBLEM_JSON_VALUE,
              schema = @Schema(ref = "#/components/schemas/Problem")))
  @ApiResponse(
      responseCode = "503",
      description = "no encryption key is configured (KAIROS_ENCRYPTION_KEY)",
      content =
          @Content(
              mediaType = MediaType.APPLICATION_PROBLEM_JSON_VALUE,
              schema = @Schema(ref = "#/components/schemas/Problem")))
  @RequiresScope(Scope.ADMIN)
  @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
  ResponseEntity<CredentialResponse> create(
      @RequestBody CreateCredentialRequest request, Principal caller) {
    CredentialResponse body = credentials.create(request, caller.getName());
    audit.record(AuditAction.CREDENTIAL_CREATE, body.id(), null, summary(body));
    return ResponseEntity.status(HttpStatus.CREATED)
        .location(URI.create("/api/v1/oauth/credentials/" + body.id()))
        .body(body);
  }

  @Operation(
      operationId = "listCredentials",
      summary = "Credentials in id order, one page at a time, without secrets",
      description = "Pass nextCursor back as cursor for the next page; it is null on the last.")
  @RequiresScope(Scope.ADMIN)
  @GetMapping
  Page<CredentialResponse> list(
      @Parameter(description = "nextCursor of the previous page") @RequestParam(required = false)
          String cursor,
      @Parameter(
              description = Paging.LIMIT_DESCRIPTION,
              schema =
                  @Schema(
                      type = "integer",
                      format = "int32",
                      minimum = "1",
                      maximum = Paging.LIMIT_MAX,
                      defaultValue = Paging.LIMIT_DEFAULT))
          @RequestParam(required = false)
          Integer limit) {
    return credentials.list(cursor, limit);
  }

  @Operation(
      operationId = "getCredential",
      summary = "A credential: status, statusReason, whether it has tokens, expiry; no secrets")
  @RequiresScope(Scope.ADMIN)
  @GetMapping("/{id}")
  CredentialResponse get(@PathVariable String id) {
    return credentials.get(id);
  }

  @Operation(
      operationId = "reauthoriseCredential",
      summary = "Give a credential new secrets and renew its tokens again",
      description =
          "For a credential the token endpoint refused (status REAUTH_REQUIRED): seals the new"
              + " refreshToken (and clientSecret, if given), makes the credential ACTIVE and, in"
              + " the same transaction, requeues its dead refresh job (or resubmits an ended one,"
              + " or runs a waiting one now). The response never carries a secret.")
  @ApiResponse(
      responseCode = "200",
      description = "reauthorised",
      content = @Content(schema = @Schema(implementation = CredentialResponse.class)))
  @RequiresScope(Scope.ADMIN)
  @PostMapping(path = "/{id}/reauthorise", consumes = MediaType.APPLICATION_JSON_VALUE)
  CredentialResponse reauthorise(
      @PathVariable String id, @RequestBody ReauthoriseRequest request, Principal caller) {
    CredentialResponse before = credentials.get(id);
    CredentialResponse after = credentials.reauthorise(id, request, caller.getName());
    audit.record(AuditAction.CREDENTIAL_REAUTHORISE, id, summary(before), summary(after));
    return after;
  }

  @Operation(
      operationId = "bindCredential",
      summary = "Set where a credential's access token may be sent and which keys may use it",
      description =
          "Replaces allowedTargets (URL prefixes; a webhook naming the credential must send to one"
              + " of them, checked at creation and by the worker before each request) and"
              + " allowedKeys (keys besides admin keys that may create jobs using it). Credentials"
              + " stored before bindings existed have none: their token goes nowhere until this is"
              + " set.")
  @ApiResponse(
      responseCode = "200",
      description = "bound",
      content = @Content(schema = @Schema(implementation = CredentialResponse.class)))
  @RequiresScope(Scope.ADMIN)
  @PutMapping(path = "/{id}/binding", consumes = MediaType.APPLICATION_JSON_VALUE)
  CredentialResponse bind(@PathVariable String id, @RequestBody CredentialBindingRequest request) {
    CredentialResponse before = credentials.get(id);
    CredentialResponse after = credentials.rebind(id, request);
    audit.record(AuditAction.CREDENTIAL_BIND, id, summary(before), summary(after));
    return after;
  }

  @Operation(
      operationId = "resealCredentials",
      summary = "Re-seal every stored secret under the current encryption key",
      description =
          "After a key rotation (new KAIROS_ENCRYPTION_KEY and KAIROS_ENCRYPTION_KEY_ID, the old"
              + " key in KAIROS_ENCRYPTION_RETIRED_KEYS): re-seals what is under a retired key and"
              + " reports how many secrets remain under other key ids. When none remain, the"
              + " retired key can be dropped.")
  @RequiresScope(Scope.ADMIN)
  @PostMapping("/reseal")
  ResealResponse reseal() {
    ResealResponse result = credentials.reseal();
    audit.record(
        AuditAction.CREDENTIAL_RESEAL,
        null,
        null,
        java.util.Map.of(
            "currentKeyId", result.currentKeyId(),
            "resealed", result.resealed(),
            "unreadable", result.unreadable(),
            "remainingUnderOldKeys", result.remainingUnderOldKeys()));
    return result;
  }

  @Operation(
      operationId = "deleteCredential",
      summary = "Delete a credential and its secrets",
      description =
          "Its pending refresh job is cancelled; one running right now ends when it finds the"
              + " credential gone.")
  @ApiResponse(responseCode = "204", description = "deleted")
  @RequiresScope(Scope.ADMIN)
  @DeleteMapping("/{id}")
  ResponseEntity<Void> delete(@PathVariable String id, Principal caller) {
    CredentialResponse before = credentials.get(id);
    credentials.delete(id, caller.getName());
    audit.record(AuditAction.CREDENTIAL_DELETE, id, summary(before), null);
    return ResponseEntity.noContent().build();
  }

  /** A credential as the audit trail summarises it: as the API shows it, which holds no secret. */
  private static java.util.Map<String, Object> summary(CredentialResponse c) {
    java.util.Map<String, Object> summary = new java.util.LinkedHashMap<>();
    summary.put("tokenEndpoint", c.tokenEndpoint());
    summary.put("grantType", c.grantType());
    summary.put("clientId", c.clientId());
    summary.put("scope", c.scope());
    summary.put("status", c.status());
    summary.put("hasRefreshToken", c.hasRefreshToken());
    summary.put("version", c.version());
    summary.put("allowedTargets", c.allowedTargets());
    summary.put("allowedKeys", c.allowedKeys());
    return summary;
  }
}
