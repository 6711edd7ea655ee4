import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.introspect.AnnotatedMember;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.InputStream;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Validates Strimzi custom resources offline against Strimzi's own API model: the classes
 * its cluster and topic operators read Kafka, KafkaNodePool and KafkaTopic resources into.
 *
 * Strimzi's model keeps fields it does not know in an additionalProperties map on every
 * object (the operator reports them as "unknown property" warnings, and the CRD's
 * structural schema drops them), so an object is strict-valid when, after reading it,
 * no such map anywhere in it holds a key, every @JsonProperty(required = true) property is
 * set, and no scalar had to be coerced from another JSON type.
 *
 * Input (stdin): a JSON array of resources. Output (stdout): a JSON array with, for each
 * resource in order, the list of its errors ("path: message"). Exit 0 unless the input
 * itself could not be read.
 */
public final class StrimziModelCheck {
  private static final String GROUP = "kafka.strimzi.io";

  private static final Map<String, String> MODEL_CLASSES = Map.of(
      "Kafka", "io.strimzi.api.kafka.model.kafka.Kafka",
      "KafkaNodePool", "io.strimzi.api.kafka.model.nodepool.KafkaNodePool",
      "KafkaTopic", "io.strimzi.api.kafka.model.topic.KafkaTopic");

  private final ObjectMapper mapper = JsonMapper.builder()
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
      .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
      .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
      .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
      .build();

  public static void main(String[] args) throws Exception {
    StrimziModelCheck check = new StrimziModelCheck();
    InputStream in = System.in;
    JsonNode resources = check.mapper.readTree(in);
    if (!resources.isArray()) throw new IllegalArgumentException("stdin: expected a JSON array of resources");
    ArrayNode out = check.mapper.createArrayNode();
    for (JsonNode resource : resources) {
      ArrayNode errors = out.addArray();
      check.validate(resource).forEach(errors::add);
    }
    System.out.println(check.mapper.writeValueAsString(out));
  }

  List<String> validate(JsonNode resource) {
    List<String> errors = new ArrayList<>();
    String kind = resource.path("kind").asText("");
    String apiVersion = resource.path("apiVersion").asText("");
    String className = MODEL_CLASSES.get(kind);
    if (className == null) {
      errors.add("kind: " + kind + " is not one of " + MODEL_CLASSES.keySet());
      return errors;
    }
    try {
      Class<?> modelClass = Class.forName(className);
      List<String> versions = servedVersions(modelClass);
      String version = apiVersion.startsWith(GROUP + "/") ? apiVersion.substring(GROUP.length() + 1) : null;
      if (version == null || !versions.contains(version)) {
        errors.add("apiVersion: " + apiVersion + " is not served; this Strimzi serves " + GROUP + "/" + versions);
      }
      Object model = mapper.treeToValue(withoutStatus(resource), modelClass);
      walk(model, withoutStatus(resource), "", errors, new IdentityHashMap<>());
    } catch (ReflectiveOperationException e) {
      errors.add("model: " + e);
    } catch (JsonMappingException e) {
      errors.add(pathOf(e) + ": " + e.getOriginalMessage().replace('\n', ' '));
    } catch (JsonProcessingException e) {
      errors.add(e.getOriginalMessage().replace('\n', ' '));
    }
    return errors;
  }

  private static String pathOf(JsonMappingException e) {
    StringBuilder path = new StringBuilder();
    for (JsonMappingException.Reference ref : e.getPath()) {
      if (ref.getFieldName() != null) path.append(path.length() == 0 ? "" : ".").append(ref.getFieldName());
      else if (ref.getIndex() >= 0) path.append('[').append(ref.getIndex()).append(']');
    }
    return path.length() == 0 ? "(resource)" : path.toString();
  }

  @SuppressWarnings("unchecked")
  private static List<String> servedVersions(Class<?> modelClass) throws ReflectiveOperationException {
    Field field = modelClass.getField("VERSIONS");
    return (List<String>) field.get(null);
  }

  private static JsonNode withoutStatus(JsonNode resource) {
    ObjectNode copy = ((ObjectNode) resource).deepCopy();
    copy.remove("status");
    return copy;
  }

  /**
   * Visits the model read from `given`. A value the model holds as null where the resource
   * had one is a value it did not accept (Strimzi's enums answer null for a value they do
   * not know rather than fail), and the operator would not act on it.
   */
  private void walk(Object value, JsonNode given, String path, List<String> errors, IdentityHashMap<Object, Boolean> seen) {
    if (value == null) {
      if (given != null && !given.isNull() && !given.isMissingNode()) errors.add(at(path) + ": value " + given + " is not accepted");
      return;
    }
    if (seen.put(value, Boolean.TRUE) != null) return;
    if (value instanceof Map<?, ?> map) {
      map.forEach((key, item) -> walk(item, child(given, String.valueOf(key)), path + "." + key, errors, seen));
      return;
    }
    if (value instanceof Collection<?> items) {
      int index = 0;
      for (Object item : items) {
        walk(item, given != null && given.isArray() ? given.get(index) : null, path + "[" + index + "]", errors, seen);
        index++;
      }
      return;
    }
    if (isLeaf(value)) return;
    reportUnknown(value, path, errors);
    JavaType type = mapper.constructType(value.getClass());
    for (BeanPropertyDefinition property : mapper.getSerializationConfig().introspect(type).findProperties()) {
      AnnotatedMember accessor = property.getAccessor();
      if (accessor == null) continue;
      Object childValue = accessor.getValue(value);
      String childPath = path + "." + property.getName();
      if (childValue == null && property.isRequired()) errors.add(at(childPath) + ": required");
      walk(childValue, child(given, property.getName()), childPath, errors, seen);
    }
  }

  private static JsonNode child(JsonNode node, String name) {
    return node != null && node.isObject() ? node.get(name) : null;
  }

  private static String at(String path) {
    return path.startsWith(".") ? path.substring(1) : path;
  }

  /** Strimzi's and fabric8's models keep unknown fields here instead of failing. */
  private static void reportUnknown(Object value, String path, List<String> errors) {
    try {
      Object extra = value.getClass().getMethod("getAdditionalProperties").invoke(value);
      if (extra instanceof Map<?, ?> unknown) {
        for (Object key : unknown.keySet()) {
          String at = path.isEmpty() ? String.valueOf(key) : path.substring(1) + "." + key;
          errors.add(at + ": unknown field");
        }
      }
    } catch (NoSuchMethodException e) {
      // A model class without the map fails on unknown fields while being read.
    } catch (ReflectiveOperationException e) {
      errors.add(path + ": " + e);
    }
  }

  private static boolean isLeaf(Object value) {
    return value instanceof CharSequence || value instanceof Number || value instanceof Boolean
        || value instanceof Enum<?> || value instanceof JsonNode || value.getClass().isPrimitive()
        || value.getClass().getName().startsWith("java.");
  }
}
