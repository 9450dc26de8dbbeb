let v = json.parse("{\"a\": 1,\n  \"b\": oops}")
