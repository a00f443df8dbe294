package io.kairos.api.security;

/**
 * A rough floor on how guessable a key given in clear is: length × log2(size of the character
 * classes it uses), the classes being lower-case letters (26), upper-case letters (26), digits (10)
 * and everything else (33, ASCII punctuation and space; any other character counts there too). This
 * over-estimates keys with structure ("aaaa…", words), so it only catches keys that are certainly
 * too short; it is not a measure of randomness. 22 random letters and digits (≈ 131 bits) pass;
 * "docs-test-key" (≈ 76) does not.
 */
final class KeyStrength {

  static final int MIN_BITS = 128;

  private KeyStrength() {}

  static double estimatedBits(String key) {
    boolean lower = false;
    boolean upper = false;
    boolean digit = false;
    boolean other = false;
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      if (c >= 'a' && c <= 'z') {
        lower = true;
      } else if (c >= 'A' && c <= 'Z') {
        upper = true;
      } else if (c >= '0' && c <= '9') {
        digit = true;
      } else {
        other = true;
      }
    }
    int alphabet = (lower ? 26 : 0) + (upper ? 26 : 0) + (digit ? 10 : 0) + (other ? 33 : 0);
    return alphabet < 2 ? 0 : key.length() * (Math.log(alphabet) / Math.log(2));
  }
}
