package io.bellwether.node;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipFile;

/**
 * Checks that the code a markdown document names exists. The truth is the repository's source: every
 * {@code <module>/src/main/java} and {@code <module>/src/test/java} under the repository root, found by
 * listing the root (so a module added later is searched too). Classes from the JDK or a library on
 * the class path are checked by reflection.
 *
 * <p>What counts as a reference, in a backticked span outside fenced code blocks:
 * <ul>
 *   <li>{@code Type}, {@code Outer.Nested}, {@code io.bellwether.pkg.Type}: a type (UpperCamelCase,
 *       at least one lower-case letter, no underscore) must be declared, a nested one inside its
 *       outer type's file;</li>
 *   <li>{@code Type.member}, {@code Type#member}, {@code Type.member()}, {@code Type.member(args)}:
 *       {@code member} (starting lower-case) must be a method or record component declared by the
 *       type or one of its supertypes;</li>
 *   <li>{@code Type.CONSTANT} and a bare {@code CONSTANT} (upper case with an underscore, such as an
 *       enum constant): declared in the type, or anywhere in the sources when bare;</li>
 *   <li>{@code io.bellwether.some.pkg}: a package that exists;</li>
 *   <li>{@code Type.java}: the type;</li>
 *   <li>{@code member()} alone: refused, since it names no class to check; write {@code Type.member}.</li>
 * </ul>
 * A name glued to {@code -}, {@code /}, {@code <}, {@code >} or {@code *} is part of a path, a
 * header, a placeholder, a glob or a hyphenated word, not a code name; names of other files ({@code README.md}) and
 * lower-case dotted names (settings such as {@code storage.mapdb.segmentBytes}) are not code either.
 * In running text, outside backticks, a {@code CamelCase.member} or {@code CamelCase#member} (two
 * capitals, so "Vert.x" is not one) is checked like a backticked one.
 */
final class DocReferences {

  /** One reference that does not resolve: where it is and why. */
  record Problem(int line, String reference, String reason) {
    @Override
    public String toString() {
      return "line " + line + ": `" + reference + "`: " + reason;
    }
  }

  private static final Pattern FENCE = Pattern.compile("^\\s*(```|~~~)");
  private static final Pattern SPAN = Pattern.compile("`([^`]+)`");
  private static final Pattern TOKEN = Pattern.compile("[A-Za-z_$][\\w$]*(?:[.#][A-Za-z_$][\\w$]*)*");
  private static final Pattern PROSE_REF =
      Pattern.compile("(?<![\\w$./<>#-])([A-Z][a-z0-9]+[A-Z][\\w$]*)[.#]([a-z][\\w$]*)(?![\\w$/>-])");
  private static final Pattern BARE_CALL = Pattern.compile("[a-z][\\w$]*\\(\\)");
  private static final Pattern TYPE_NAME = Pattern.compile("[A-Z][A-Za-z0-9$]*");
  private static final Pattern CONSTANT_NAME = Pattern.compile("[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+");
  private static final Pattern TYPE_DECL = Pattern.compile("\\b(?:class|interface|enum|record)\\s+([A-Z][\\w$]*)");
  private static final Pattern PACKAGE_DECL = Pattern.compile("^\\s*package\\s+([\\w.]+)\\s*;", Pattern.MULTILINE);
  private static final Set<String> OTHER_FILE_EXTENSIONS = Set.of(
      "md", "sh", "xml", "json", "jsonl", "txt", "properties", "csv", "db", "seg", "yml", "yaml", "jar", "log");
  private static final Set<String> NOT_A_TYPE = Set.of(
      "return", "new", "throw", "else", "case", "yield", "assert", "await", "do", "goto");

  private final Path root;
  private final List<Path> sourceRoots;
  /** Simple type name to the source files declaring it (top-level or nested). */
  private final Map<String, Set<Path>> typeFiles = new HashMap<>();
  private final Map<Path, String> strippedSources = new HashMap<>();
  private final Map<Path, String> packages = new HashMap<>();
  private Map<String, List<String>> classPathIndex;

  DocReferences(Path repositoryRoot) {
    this.root = repositoryRoot.toAbsolutePath().normalize();
    this.sourceRoots = findSourceRoots(root);
    for (Path sourceRoot : sourceRoots) {
      try (Stream<Path> files = Files.walk(sourceRoot)) {
        files.filter(p -> p.toString().endsWith(".java")).forEach(this::index);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /** The source trees searched: {@code src/main/java} and {@code src/test/java} of every module. */
  List<Path> sourceRoots() {
    return sourceRoots;
  }

  private static List<Path> findSourceRoots(Path root) {
    List<Path> roots = new ArrayList<>();
    try (Stream<Path> modules = Files.list(root)) {
      for (Path module : modules.sorted().toList()) {
        for (String tree : List.of("src/main/java", "src/test/java")) {
          Path p = module.resolve(tree);
          if (Files.isDirectory(p)) roots.add(p);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return List.copyOf(roots);
  }

  private void index(Path file) {
    String source;
    try {
      source = Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    String stripped = stripCommentsAndStrings(source);
    strippedSources.put(file, stripped);
    Matcher pkg = PACKAGE_DECL.matcher(stripped);
    packages.put(file, pkg.find() ? pkg.group(1) : "");
    Matcher m = TYPE_DECL.matcher(stripped);
    while (m.find()) typeFiles.computeIfAbsent(m.group(1), k -> new LinkedHashSet<>()).add(file);
  }

  /** Every reference in {@code markdown} that does not resolve, in document order. */
  List<Problem> check(String markdown) {
    return check(markdown, new ArrayList<>());
  }

  /**
   * Every reference in {@code markdown} that does not resolve, in document order; {@code checked}
   * receives every reference looked up, resolved or not (so a test can see the check is not empty).
   */
  List<Problem> check(String markdown, List<String> checked) {
    List<Problem> problems = new ArrayList<>();
    String[] lines = markdown.split("\n", -1);
    boolean inFence = false;
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i];
      if (FENCE.matcher(line).find()) {
        inFence = !inFence;
        continue;
      }
      if (inFence) continue;
      int lineNo = i + 1;
      Matcher span = SPAN.matcher(line);
      StringBuilder prose = new StringBuilder();
      int last = 0;
      while (span.find()) {
        prose.append(line, last, span.start()).append(' ');
        last = span.end();
        checkSpan(span.group(1), lineNo, problems, checked);
      }
      prose.append(line.substring(last));
      Matcher p = PROSE_REF.matcher(prose);
      while (p.find()) {
        checkChain(p.group(0), List.of(p.group(1), p.group(2)), lineNo, problems, checked);
      }
    }
    return problems;
  }

  private void checkSpan(String span, int line, List<Problem> problems, List<String> checked) {
    String text = span.strip();
    if (BARE_CALL.matcher(text).matches()) {
      checked.add(text);
      problems.add(new Problem(line, text, "a method without its class cannot be checked; write `Type.method`"));
      return;
    }
    Matcher t = TOKEN.matcher(text);
    while (t.find()) {
      char before = t.start() == 0 ? ' ' : text.charAt(t.start() - 1);
      char after = t.end() == text.length() ? ' ' : text.charAt(t.end());
      if ("-/<>@%*".indexOf(before) >= 0 || "-/<>@*".indexOf(after) >= 0) continue;
      List<String> parts = List.of(t.group().split("[.#]"));
      checkChain(t.group(), parts, line, problems, checked);
    }
  }

  /** Checks a dotted name: package segments (lower case), then types, then at most one member. */
  private void checkChain(
      String reference, List<String> parts, int line, List<Problem> problems, List<String> checked) {
    int firstType = 0;
    while (firstType < parts.size() && !Character.isUpperCase(parts.get(firstType).charAt(0))) firstType++;
    List<String> packagePart = parts.subList(0, firstType);
    if (firstType == parts.size()) {
      // All lower case: a package of ours is checked; anything else (a setting, a file) is not code.
      if (parts.size() >= 3 && parts.get(0).equals("io") && parts.get(1).equals("bellwether")) {
        checked.add(reference);
        if (!packageExists(String.join(".", parts))) {
          problems.add(new Problem(line, reference, "no such package in " + describeRoots()));
        }
      }
      return;
    }
    List<String> rest = parts.subList(firstType, parts.size());
    String last = rest.get(rest.size() - 1);
    if (rest.size() >= 2 && last.equals("java")) {
      rest = rest.subList(0, rest.size() - 1);
    } else if (rest.size() >= 2 && OTHER_FILE_EXTENSIONS.contains(last)) {
      return; // another file's name, not code
    }
    if (rest.size() == 1 && CONSTANT_NAME.matcher(rest.get(0)).matches() && packagePart.isEmpty()) {
      checked.add(reference);
      if (!constantDeclaredAnywhere(rest.get(0))) {
        problems.add(new Problem(line, reference, "no constant of that name is declared in " + describeRoots()));
      }
      return;
    }
    if (!isTypeName(rest.get(0))) return; // e.g. HTTP, T, E_follower: not a code name
    checked.add(reference);
    List<String> types = new ArrayList<>();
    String member = null;
    for (int i = 0; i < rest.size(); i++) {
      String part = rest.get(i);
      boolean lastPart = i == rest.size() - 1;
      if (isTypeName(part) && member == null) {
        types.add(part);
      } else if (lastPart && (Character.isLowerCase(part.charAt(0)) || CONSTANT_NAME.matcher(part).matches()
          || part.chars().allMatch(c -> Character.isUpperCase(c) || Character.isDigit(c)))) {
        member = part;
      } else {
        problems.add(new Problem(line, reference, "not a name of the form Type[.Nested].member"));
        return;
      }
    }
    String why = resolve(String.join(".", packagePart), types, member);
    if (why != null) problems.add(new Problem(line, reference, why));
  }

  private static boolean isTypeName(String s) {
    return TYPE_NAME.matcher(s).matches() && s.chars().anyMatch(Character::isLowerCase);
  }

  /** Null when the reference resolves, else why not. */
  private String resolve(String pkg, List<String> types, String member) {
    List<Type> candidates = findTypes(pkg, types);
    if (candidates.isEmpty()) {
      return "no type " + (pkg.isEmpty() ? "" : pkg + ".") + String.join(".", types) + " in " + describeRoots()
          + (pkg.isEmpty() || pkg.startsWith("io.bellwether") ? ", the JDK or the class path" : "");
    }
    if (member == null) return null;
    for (Type t : candidates) {
      if (t.declares(member)) return null;
    }
    return "no member '" + member + "' declared in " + candidates.get(0).describe()
        + (candidates.size() > 1 ? " (nor in the " + (candidates.size() - 1) + " other type(s) of that name)" : "")
        + " or its supertypes";
  }

  // ------------------------------------------------------------------ types

  /** A type found either in the repository's sources or by reflection. */
  private interface Type {
    boolean declares(String member);

    String describe();
  }

  private List<Type> findTypes(String pkg, List<String> names) {
    List<Type> found = new ArrayList<>();
    for (Path file : typeFiles.getOrDefault(names.get(0), Set.of())) {
      if (!pkg.isEmpty() && !packages.get(file).equals(pkg)) continue;
      SourceType outer = new SourceType(file, names.get(0));
      SourceType t = outer;
      for (int i = 1; i < names.size() && t != null; i++) t = t.nested(names.get(i));
      if (t != null) found.add(t);
    }
    if (!found.isEmpty()) return found;
    for (Class<?> c : loadableClasses(pkg, names.get(0))) {
      Class<?> t = c;
      for (int i = 1; i < names.size() && t != null; i++) t = nestedClass(t, names.get(i));
      if (t != null) found.add(new ReflectedType(t));
    }
    return found;
  }

  private final class SourceType implements Type {
    final Path file;
    final String name;

    SourceType(Path file, String name) {
      this.file = file;
      this.name = name;
    }

    SourceType nested(String nestedName) {
      // Nested types live in the outer type's file.
      return Pattern.compile("\\b(?:class|interface|enum|record)\\s+" + Pattern.quote(nestedName) + "\\b")
          .matcher(strippedSources.get(file)).find() ? new SourceType(file, nestedName) : null;
    }

    @Override
    public boolean declares(String member) {
      return declares(member, new LinkedHashSet<>());
    }

    private boolean declares(String member, Set<String> seen) {
      if (!seen.add(file + "#" + name)) return false;
      String src = strippedSources.get(file);
      if (declaresMember(src, name, member)) return true;
      for (String superName : supertypes(src, name)) {
        Set<Path> files = typeFiles.get(superName);
        if (files != null) {
          for (Path f : files) if (new SourceType(f, superName).declares(member, seen)) return true;
        } else {
          for (Class<?> c : loadableClasses(imported(src, superName), superName)) {
            if (new ReflectedType(c).declares(member)) return true;
          }
        }
      }
      return false;
    }

    @Override
    public String describe() {
      return name + " (" + root.relativize(file) + ")";
    }
  }

  private static final class ReflectedType implements Type {
    final Class<?> type;

    ReflectedType(Class<?> type) {
      this.type = type;
    }

    @Override
    public boolean declares(String member) {
      for (Method m : type.getMethods()) if (m.getName().equals(member)) return true;
      for (Class<?> c = type; c != null; c = c.getSuperclass()) {
        for (Method m : c.getDeclaredMethods()) if (m.getName().equals(member)) return true;
        for (Field f : c.getDeclaredFields()) if (f.getName().equals(member) && isConstant(member)) return true;
      }
      if (type.isRecord()) {
        for (RecordComponent rc : type.getRecordComponents()) if (rc.getName().equals(member)) return true;
      }
      for (Field f : type.getFields()) if (f.getName().equals(member) && isConstant(member)) return true;
      return false;
    }

    private static boolean isConstant(String member) {
      return !Character.isLowerCase(member.charAt(0));
    }

    @Override
    public String describe() {
      return type.getName();
    }
  }

  /** Whether {@code source} declares {@code member} as a method, record component or constant of any type in it. */
  private static boolean declaresMember(String source, String typeName, String member) {
    String q = Pattern.quote(member);
    if (!Character.isLowerCase(member.charAt(0))) {
      return Pattern.compile("(?m)(?:^|[,{;])\\s*(?:@\\w+(?:\\([^)]*\\))?\\s*)*" + q + "\\b\\s*(?:\\(|,|;|\\{|$)")
              .matcher(source).find()
          // A field: "static final Type NAME =", or an interface's "Type NAME =" (implicitly final).
          || Pattern.compile("(?m)(?:^|[;{}])\\s*(?:@\\w+\\s*)*(?:(?:public|protected|private|static|final)\\s+)*"
              + "[\\w$.]+(?:<[^;{}()=]*>)?(?:\\[\\])*\\s+" + q + "\\s*=").matcher(source).find();
    }
    Matcher m = Pattern.compile(
        "(?:^|[;{}])\\s*(?:@[\\w.]+(?:\\([^)]*\\))?\\s*)*"
            + "(?:(?:public|protected|private|static|final|abstract|synchronized|default|native|strictfp)\\s+)*"
            + "(?:<[^;{}()]*>\\s*)?([\\w$.]+(?:<[^;{}()]*>)?(?:\\[\\])*)\\s+" + q + "\\s*\\(",
        Pattern.MULTILINE).matcher(source);
    while (m.find()) {
      if (!NOT_A_TYPE.contains(m.group(1))) return true;
    }
    Matcher record = Pattern.compile("\\brecord\\s+" + Pattern.quote(typeName) + "\\s*(?:<[^>]*>)?\\s*\\(")
        .matcher(source);
    if (record.find()) {
      String components = balanced(source, record.end() - 1);
      return Pattern.compile("\\b" + q + "\\s*(?:,|$)").matcher(components.replaceAll("\\s+", " ").strip()).find();
    }
    return false;
  }

  /** The text inside the parentheses that open at {@code open}. */
  private static String balanced(String s, int open) {
    int depth = 0;
    for (int i = open; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '(') depth++;
      else if (c == ')' && --depth == 0) return s.substring(open + 1, i);
    }
    return s.substring(open + 1);
  }

  /** The simple names a type declared in {@code source} extends or implements. */
  private static List<String> supertypes(String source, String typeName) {
    Matcher m = Pattern.compile("\\b(?:class|interface|enum|record)\\s+" + Pattern.quote(typeName)
        + "\\b([^{]*)\\{").matcher(source);
    if (!m.find()) return List.of();
    String header = m.group(1).replaceAll("<[^<>]*>", "").replaceAll("<[^<>]*>", "");
    Matcher ext = Pattern.compile("\\b(?:extends|implements)\\s+([\\w$., ]+)").matcher(header);
    List<String> names = new ArrayList<>();
    while (ext.find()) {
      for (String n : ext.group(1).split(",")) {
        String simple = n.strip();
        if (simple.isEmpty()) continue;
        int dot = simple.lastIndexOf('.');
        names.add(dot >= 0 ? simple.substring(dot + 1) : simple);
      }
    }
    return names;
  }

  /** The package {@code source} imports {@code simpleName} from, or "" when it does not say. */
  private static String imported(String source, String simpleName) {
    Matcher m = Pattern.compile("^\\s*import\\s+([\\w.]+)\\." + Pattern.quote(simpleName) + "\\s*;", Pattern.MULTILINE)
        .matcher(source);
    return m.find() ? m.group(1) : "";
  }

  private boolean constantDeclaredAnywhere(String name) {
    return strippedSources.entrySet().stream().anyMatch(e -> declaresMember(e.getValue(), "", name));
  }

  private boolean packageExists(String pkg) {
    String dir = pkg.replace('.', '/');
    return sourceRoots.stream().anyMatch(r -> Files.isDirectory(r.resolve(dir)));
  }

  private String describeRoots() {
    return sourceRoots.size() + " source trees under " + root;
  }

  // ------------------------------------------------------------------ JDK and class path

  private static Class<?> nestedClass(Class<?> outer, String name) {
    for (Class<?> c : outer.getClasses()) if (c.getSimpleName().equals(name)) return c;
    for (Class<?> c : outer.getDeclaredClasses()) if (c.getSimpleName().equals(name)) return c;
    return null;
  }

  /** Classes of that simple name in the JDK or on the class path; only in {@code pkg} when it is given. */
  private List<Class<?>> loadableClasses(String pkg, String simpleName) {
    List<Class<?>> found = new ArrayList<>();
    if (!pkg.isEmpty()) {
      load(pkg + "." + simpleName).ifPresent(found::add);
      return found;
    }
    for (Module module : ModuleLayer.boot().modules()) {
      for (String p : module.getPackages()) {
        if (!module.isExported(p)) continue;
        load(p + "." + simpleName).ifPresent(found::add);
      }
    }
    if (!found.isEmpty()) return found;
    for (String className : classPathIndex().getOrDefault(simpleName, List.of())) {
      load(className).ifPresent(found::add);
    }
    return found;
  }

  private static Optional<Class<?>> load(String className) {
    try {
      return Optional.of(Class.forName(className, false, DocReferences.class.getClassLoader()));
    } catch (ClassNotFoundException | LinkageError e) {
      return Optional.empty();
    }
  }

  /** Simple name to class names, over every jar and directory of the class path (built once, on demand). */
  private Map<String, List<String>> classPathIndex() {
    if (classPathIndex != null) return classPathIndex;
    Map<String, List<String>> index = new HashMap<>();
    for (String entry : System.getProperty("java.class.path", "").split(java.io.File.pathSeparator)) {
      if (entry.isEmpty()) continue;
      Path p = Path.of(entry);
      try {
        if (Files.isDirectory(p)) {
          try (Stream<Path> files = Files.walk(p)) {
            files.map(f -> p.relativize(f).toString().replace(java.io.File.separatorChar, '/'))
                .forEach(name -> addClass(index, name));
          }
        } else if (Files.isRegularFile(p)) {
          try (ZipFile zip = new ZipFile(p.toFile())) {
            zip.stream().forEach(e -> addClass(index, e.getName()));
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read class path entry " + p, e);
      }
    }
    classPathIndex = index;
    return index;
  }

  private static void addClass(Map<String, List<String>> index, String entryName) {
    if (!entryName.endsWith(".class") || entryName.contains("$") || entryName.startsWith("META-INF/")) return;
    String className = entryName.substring(0, entryName.length() - ".class".length()).replace('/', '.');
    String simple = className.substring(className.lastIndexOf('.') + 1);
    index.computeIfAbsent(simple, k -> new ArrayList<>()).add(className);
  }

  // ------------------------------------------------------------------ source text

  /** The source with comments, string literals and character literals blanked (line breaks kept). */
  static String stripCommentsAndStrings(String s) {
    StringBuilder out = new StringBuilder(s.length());
    int i = 0;
    while (i < s.length()) {
      char c = s.charAt(i);
      if (c == '/' && i + 1 < s.length() && s.charAt(i + 1) == '/') {
        while (i < s.length() && s.charAt(i) != '\n') i++;
      } else if (c == '/' && i + 1 < s.length() && s.charAt(i + 1) == '*') {
        int end = s.indexOf("*/", i + 2);
        end = end < 0 ? s.length() : end + 2;
        for (int j = i; j < end; j++) if (s.charAt(j) == '\n') out.append('\n');
        out.append(' ');
        i = end;
      } else if (s.startsWith("\"\"\"", i)) {
        int end = s.indexOf("\"\"\"", i + 3);
        end = end < 0 ? s.length() : end + 3;
        for (int j = i; j < end; j++) if (s.charAt(j) == '\n') out.append('\n');
        out.append("\"\"");
        i = end;
      } else if (c == '"' || c == '\'') {
        int j = i + 1;
        while (j < s.length() && s.charAt(j) != c && s.charAt(j) != '\n') j += s.charAt(j) == '\\' ? 2 : 1;
        out.append(c).append(c);
        i = Math.min(s.length(), j + 1);
      } else {
        out.append(c);
        i++;
      }
    }
    return out.toString();
  }
}
