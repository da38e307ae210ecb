package io.bellwether.node.config;

import io.bellwether.core.spi.Settings;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * Merges the configuration sources, highest precedence first: command-line flags, then {@code
 * BELLWETHER_*} environment variables, then a properties file, then defaults (applied later by {@link
 * NodeConfig}). Every key must be a known setting, so a misspelt one fails rather than being ignored.
 */
public final class ConfigLoader {

  private ConfigLoader() {}

  /**
   * @param flags settings given on the command line
   * @param env the environment (only {@code BELLWETHER_*} variables are read)
   * @param file a properties file, or null; {@code BELLWETHER_CONFIG} names one when this is null
   * @throws ConfigException naming the bad key, variable or file
   */
  public static Settings load(Map<String, String> flags, Map<String, String> env, Path file) {
    Map<String, String> merged = new TreeMap<>();
    Path properties = file;
    if (properties == null && env.get("BELLWETHER_CONFIG") != null) {
      properties = Path.of(env.get("BELLWETHER_CONFIG"));
    }
    if (properties != null) merged.putAll(readFile(properties));
    merged.putAll(fromEnv(env));
    flags.forEach((key, value) -> merged.put(checkKey(key, "command-line setting"), value));
    return Settings.of(merged);
  }

  static Map<String, String> readFile(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new ConfigException("configuration file '" + file + "' does not exist or is not a file");
    }
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      p.load(r);
    } catch (IOException | IllegalArgumentException e) {
      throw new ConfigException("cannot read configuration file '" + file + "': " + e.getMessage(), e);
    }
    Map<String, String> out = new TreeMap<>();
    for (String key : p.stringPropertyNames()) {
      out.put(checkKey(key, "setting in " + file), p.getProperty(key));
    }
    return out;
  }

  static Map<String, String> fromEnv(Map<String, String> env) {
    Map<String, String> out = new TreeMap<>();
    env.forEach((name, value) -> {
      if (!name.startsWith(SettingKeys.ENV_PREFIX) || SettingKeys.ENV_RESERVED.contains(name)) return;
      String key = SettingKeys.keyOfEnv(name);
      if (!SettingKeys.isKnown(key)) {
        throw new ConfigException("environment variable " + name + " names no setting ('" + key
            + "'); known settings: " + String.join(", ", SettingKeys.NODE_KEYS));
      }
      out.put(key, value);
    });
    return out;
  }

  private static String checkKey(String key, String where) {
    String k = key.trim();
    if (!SettingKeys.isKnown(k)) {
      throw new ConfigException("unknown " + where + " '" + k + "'; known settings: "
          + String.join(", ", SettingKeys.NODE_KEYS) + ", and module settings under "
          + String.join(", ", SettingKeys.MODULE_PREFIXES));
    }
    return k;
  }
}
