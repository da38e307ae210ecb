package io.bellwether.node.config;

/** Bad configuration found at start-up; the message names the setting and the value. */
public final class ConfigException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public ConfigException(String message) {
    super(message);
  }

  public ConfigException(String message, Throwable cause) {
    super(message, cause);
  }

  /** {@code setting 'key' has value 'value'; expected ...}. */
  public static ConfigException invalid(String key, String value, String expected) {
    return new ConfigException("setting '" + key + "' has value '" + value + "'; expected " + expected);
  }
}
