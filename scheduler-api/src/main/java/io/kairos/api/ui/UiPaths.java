package io.kairos.api.ui;

/** Where the dashboard's pages are. */
final class UiPaths {

  static final String HOME = "/ui/";
  static final String SIGN_IN = "/ui/sign-in";
  static final String STATIC = "/ui/static/";

  private UiPaths() {}
}
