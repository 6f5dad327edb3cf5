namespace Serverless.Pipeline.Tests.Support.Differential;

/// <summary>
/// Schemas written for the differential corpus, beside the shipped ones, so that every keyword the compiled plan
/// supports is exercised: nested objects, arrays with <c>items</c>, mixed-type <c>enum</c>, <c>const</c>, number bounds,
/// <c>type</c> arrays with "integer" and "null", item and property counts, unicode patterns, <c>additionalProperties</c>
/// as false and as a schema, every asserted format, and property names that need the bracketed path form.
/// </summary>
internal static class TestSchemas
{
    public static readonly IReadOnlyList<(string Name, string Text)> All =
    [
        ("test.strings", """
        {
          "$schema": "http://json-schema.org/draft-07/schema#",
          "title": "strings, enum and const",
          "type": "object",
          "required": ["code", "label"],
          "properties": {
            "code": { "type": "string", "pattern": "^[A-Z]{3}-\\d{2,4}$", "minLength": 6, "maxLength": 8 },
            "label": { "type": "string", "minLength": 2, "maxLength": 12 },
            "name": { "type": "string", "pattern": "^\\p{L}+( \\p{L}+)*$", "maxLength": 40 },
            "greek": { "type": "string", "pattern": "^[\u03b1-\u03c9]+$" },
            "short": { "type": "string", "pattern": "^.{1,4}$" },
            "emoji": { "type": "string", "minLength": 1, "maxLength": 3 },
            "kind": { "enum": ["a", 1, 2.5, null, true, { "k": "v" }, [1, "x"]] },
            "status": { "type": "string", "enum": ["open", "closed"] },
            "version": { "const": "v1" },
            "pair": { "const": { "a": [1, 2], "b": null } },
            "note": { "type": ["string", "null"], "maxLength": 5 }
          },
          "additionalProperties": false
        }
        """),
        ("test.numbers", """
        {
          "$schema": "http://json-schema.org/draft-07/schema#",
          "title": "numbers",
          "type": "object",
          "required": ["count", "ratio"],
          "properties": {
            "count": { "type": "integer", "minimum": 1, "maximum": 100 },
            "ratio": { "type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 1 },
            "step": { "type": "integer", "multipleOf": 5, "minimum": -50, "maximum": 50 },
            "price": { "type": "number", "multipleOf": 0.01, "minimum": 0, "maximum": 10000 },
            "big": { "type": "integer", "minimum": -9007199254740993, "maximum": 9007199254740993 },
            "maybe": { "type": ["integer", "null"], "minimum": 0, "exclusiveMaximum": 1000 },
            "either": { "type": ["string", "integer"], "maxLength": 5, "maximum": 99999 },
            "temperature": { "type": "number", "minimum": -273.15, "exclusiveMaximum": 1000000 },
            "flag": { "type": "boolean" }
          },
          "additionalProperties": false
        }
        """),
        ("test.collections", """
        {
          "$schema": "http://json-schema.org/draft-07/schema#",
          "title": "arrays and objects",
          "type": "object",
          "required": ["tags", "matrix"],
          "minProperties": 2,
          "maxProperties": 7,
          "properties": {
            "tags": { "type": "array", "items": { "type": "string", "minLength": 1, "maxLength": 10 }, "minItems": 1, "maxItems": 4, "uniqueItems": true },
            "scores": { "type": "array", "items": { "type": "number", "minimum": 0, "maximum": 10 }, "uniqueItems": true, "maxItems": 5 },
            "matrix": { "type": "array", "items": { "type": "array", "items": { "type": "integer" }, "minItems": 2, "maxItems": 2 }, "minItems": 1, "maxItems": 3 },
            "people": {
              "type": "array",
              "maxItems": 3,
              "items": {
                "type": "object",
                "required": ["name"],
                "properties": {
                  "name": { "type": "string", "minLength": 1 },
                  "age": { "type": "integer", "minimum": 0, "maximum": 150 },
                  "email": { "type": "string", "format": "email" }
                },
                "additionalProperties": false
              }
            },
            "labels": { "type": "object", "minProperties": 1, "maxProperties": 3, "additionalProperties": { "type": "string", "maxLength": 8 } },
            "settings": {
              "type": "object",
              "maxProperties": 4,
              "properties": { "mode": { "enum": ["a", "b"] } },
              "additionalProperties": { "type": ["boolean", "integer"] }
            },
            "anything": { "type": "array" }
          },
          "additionalProperties": false
        }
        """),
        ("test.formats", """
        {
          "$schema": "http://json-schema.org/draft-07/schema#",
          "title": "every asserted format",
          "type": "object",
          "required": ["date", "dateTime", "email"],
          "properties": {
            "date": { "type": "string", "format": "date" },
            "dateTime": { "type": "string", "format": "date-time" },
            "time": { "type": "string", "format": "time" },
            "email": { "type": "string", "format": "email" },
            "uri": { "type": "string", "format": "uri" },
            "uriReference": { "type": "string", "format": "uri-reference" },
            "ipv4": { "type": "string", "format": "ipv4" },
            "ipv6": { "type": "string", "format": "ipv6" },
            "uuid": { "type": "string", "format": "uuid" },
            "hostname": { "type": "string", "format": "hostname" },
            "untypedDate": { "format": "date" }
          }
        }
        """),
        ("test.names", """
        {
          "$schema": "http://json-schema.org/draft-07/schema#",
          "title": "property names that need the bracketed path form, and deep nesting",
          "type": "object",
          "required": ["a b", "it's", "back\\slash", "0"],
          "properties": {
            "a b": { "type": "string" },
            "it's": { "type": "integer" },
            "back\\slash": { "type": "boolean" },
            "0": { "type": "array", "items": { "type": "object", "required": ["x"], "properties": { "x": { "type": "string", "minLength": 1 } } } },
            "\u00fcn\u00ef": { "type": ["string", "null"], "maxLength": 3 },
            "a/b~c": { "type": "string" },
            "$dollar_ok-1": { "type": "integer" },
            "": { "type": "string" },
            "level1": {
              "type": "object",
              "required": ["level2"],
              "properties": {
                "level2": {
                  "type": "object",
                  "required": ["level3"],
                  "properties": {
                    "level3": {
                      "type": "object",
                      "required": ["value"],
                      "properties": { "value": { "type": ["number", "string", "null"], "minimum": 0, "minLength": 1 } },
                      "additionalProperties": false
                    }
                  }
                }
              }
            }
          },
          "additionalProperties": { "type": "object", "maxProperties": 2 }
        }
        """),
    ];
}
