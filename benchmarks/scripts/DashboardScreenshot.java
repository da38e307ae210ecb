import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Screenshot of a live page after it has run for a while in real time, with nothing but the JDK:
 * starts headless Chromium on the page with a DevTools port, waits, asks for the picture over the
 * DevTools protocol (a WebSocket) and writes it. Chromium's own --screenshot cannot do this for the
 * dashboard: it shoots at load, or runs the page on virtual time, which outruns the streams' real
 * frames, so every member looked silent (unreachable).
 *
 * <pre>java benchmarks/scripts/DashboardScreenshot.java URL OUT.png SECONDS [CHROMIUM] [PROFILE_DIR]</pre>
 */
public final class DashboardScreenshot {

  private static final Pattern LISTENING = Pattern.compile("DevTools listening on (ws://\\S+)");
  private static final Pattern PAGE_SOCKET = Pattern.compile("\"type\"\\s*:\\s*\"page\".*?\"webSocketDebuggerUrl\"\\s*:\\s*\"([^\"]+)\"", Pattern.DOTALL);
  private static final Pattern DATA = Pattern.compile("\"data\"\\s*:\\s*\"([^\"]+)\"");

  public static void main(String[] args) throws Exception {
    if (args.length < 3) {
      System.err.println("usage: java DashboardScreenshot.java URL OUT.png SECONDS [CHROMIUM] [PROFILE_DIR]");
      System.exit(2);
    }
    String url = args[0];
    Path out = Path.of(args[1]);
    long seconds = Long.parseLong(args[2]);
    String chromium = args.length > 3 ? args[3] : "chromium";
    Path profile = args.length > 4 ? Path.of(args[4]) : Files.createTempDirectory("chromium-profile");

    // As root Chromium needs --no-sandbox; the rest keeps it off the network it has no business with.
    List<String> command = new ArrayList<>(List.of(chromium, "--headless=new", "--no-sandbox", "--disable-gpu",
        "--disable-dev-shm-usage", "--no-first-run", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--hide-scrollbars", "--window-size=1280,900", "--remote-debugging-port=0",
        "--user-data-dir=" + profile, url));
    Process browser = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    try (DevTools page = DevTools.connect(pageSocket(devToolsAddress(browser)))) {
      // The whole window, 1280 x 900, whatever the browser keeps for itself in headless mode.
      page.call("Emulation.setDeviceMetricsOverride", "{\"width\":1280,\"height\":900,\"deviceScaleFactor\":1,\"mobile\":false}");
      Thread.sleep(TimeUnit.SECONDS.toMillis(seconds)); // the page runs in real time meanwhile: that is the point
      String answer = page.call("Page.captureScreenshot", "{\"format\":\"png\"}");
      Matcher m = DATA.matcher(answer);
      if (!m.find()) throw new IllegalStateException("no picture in the answer: " + answer.substring(0, Math.min(300, answer.length())));
      byte[] png = Base64.getDecoder().decode(m.group(1));
      Files.createDirectories(out.toAbsolutePath().getParent());
      Files.write(out, png);
      System.err.println("saved " + out + " (" + png.length + " bytes)");
    } finally {
      browser.destroy();
      browser.waitFor(10, TimeUnit.SECONDS);
      browser.destroyForcibly();
    }
  }

  /** The browser prints its DevTools address on stderr once it listens; returns "host:port". */
  private static String devToolsAddress(Process browser) throws Exception {
    CompletableFuture<String> found = new CompletableFuture<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader err = new BufferedReader(new InputStreamReader(browser.getErrorStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = err.readLine()) != null; ) {
          Matcher m = LISTENING.matcher(line);
          if (m.find()) found.complete(URI.create(m.group(1)).getAuthority());
        }
        found.completeExceptionally(new IllegalStateException("chromium exited without a DevTools address"));
      } catch (Exception e) {
        found.completeExceptionally(e);
      }
    }, "chromium-stderr");
    reader.setDaemon(true);
    reader.start();
    return found.get(30, TimeUnit.SECONDS);
  }

  /** The WebSocket address of the browser's page (the one tab it opened). */
  private static String pageSocket(String devtools) throws Exception {
    HttpResponse<String> list = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create("http://" + devtools + "/json/list")).build(), HttpResponse.BodyHandlers.ofString());
    Matcher m = PAGE_SOCKET.matcher(list.body());
    if (!m.find()) throw new IllegalStateException("no page in " + list.body());
    return m.group(1);
  }

  /** One page's DevTools connection: a WebSocket carrying JSON commands, answered by id. */
  private static final class DevTools implements AutoCloseable {
    private final WebSocket socket;
    private final java.util.Map<Integer, CompletableFuture<String>> pending = new java.util.concurrent.ConcurrentHashMap<>();
    private final Pattern answerId = Pattern.compile("^\\{\"id\":(\\d+)");
    private int nextId;

    private DevTools(WebSocket.Builder builder, String address) throws Exception {
      StringBuilder text = new StringBuilder();
      socket = builder.buildAsync(URI.create(address), new WebSocket.Listener() {
        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
          text.append(data);
          if (last) {
            Matcher m = answerId.matcher(text);
            if (m.find()) {
              CompletableFuture<String> f = pending.remove(Integer.parseInt(m.group(1)));
              if (f != null) f.complete(text.toString());
            }
            text.setLength(0); // events (no id) are of no interest here
          }
          ws.request(1);
          return null;
        }
      }).get(10, TimeUnit.SECONDS);
    }

    static DevTools connect(String address) throws Exception {
      return new DevTools(HttpClient.newHttpClient().newWebSocketBuilder(), address);
    }

    /** Sends a command and waits for its answer (the raw JSON). */
    String call(String method, String params) throws Exception {
      int id = ++nextId;
      CompletableFuture<String> answer = new CompletableFuture<>();
      pending.put(id, answer);
      socket.sendText("{\"id\":" + id + ",\"method\":\"" + method + "\",\"params\":" + params + "}", true).get(10, TimeUnit.SECONDS);
      String json = answer.get(30, TimeUnit.SECONDS);
      if (json.contains("\"error\"")) throw new IllegalStateException(method + " failed: " + json);
      return json;
    }

    @Override
    public void close() {
      socket.sendClose(WebSocket.NORMAL_CLOSURE, "done");
    }
  }

  private DashboardScreenshot() {}
}
