package io.bellwether.node;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Level;
import java.util.stream.Stream;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;

/**
 * A headless Chromium for browser tests, driven by Selenium through chromedriver: Debian's packages
 * {@code chromium} and {@code chromium-driver} (CI installs them). When either is missing the test
 * fails, saying how to install them: a browser test that skipped itself would let the dashboard
 * break unnoticed.
 */
final class HeadlessChromium {

  static final String INSTALL = "apt-get update && apt-get install -y chromium chromium-driver";

  private HeadlessChromium() {}

  /**
   * Starts a browser with its profile in {@code profile} and the browser console recorded.
   *
   * @throws AssertionError naming the install command when chromium or chromedriver is missing
   */
  static ChromeDriver start(Path profile) {
    Path driver = find("chromedriver");
    Path browser = find("chromium");
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(driver.toFile())
        .usingAnyFreePort()
        .withLogFile(profile.resolve("chromedriver.log").toFile())
        .build();
    ChromeOptions options = new ChromeOptions();
    options.setBinary(browser.toFile());
    // No sandbox: tests run as root in CI. The rest keeps Chromium off the network it cannot reach
    // here (updates, sync, field trials), which would otherwise fill the log with refused connections.
    options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--disable-extensions", "--window-size=1280,900", "--user-data-dir=" + profile.resolve("profile"));
    options.setCapability("goog:loggingPrefs", Map.of(LogType.BROWSER, "ALL"));
    return new ChromeDriver(service, options);
  }

  /** The browser console's errors and warnings so far (uncaught exceptions included). */
  static List<String> consoleProblems(ChromeDriver browser) {
    return browser.manage().logs().get(LogType.BROWSER).getAll().stream()
        .filter(e -> e.getLevel().intValue() >= Level.WARNING.intValue())
        .map(LogEntry::getMessage)
        .toList();
  }

  /** {@code name} on the PATH (Debian puts both in /usr/bin). */
  static Path find(String name) {
    String path = Optional.ofNullable(System.getenv("PATH")).orElse("") + File.pathSeparator + "/usr/bin";
    Optional<Path> found = Stream.of(path.split(File.pathSeparator)).filter(d -> !d.isEmpty())
        .map(d -> Path.of(d, name)).filter(Files::isExecutable).findFirst();
    return found.orElseThrow(() -> new AssertionError("the browser test needs " + name
        + " (Debian's packages chromium and chromium-driver), which is not on the PATH. Install them: " + INSTALL));
  }
}
