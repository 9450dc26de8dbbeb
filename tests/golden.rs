//! Golden files. Each `NAME.mps` in a golden directory is run as `mpscript run NAME.mps` from
//! inside that directory; its stdout, stderr and exit status must equal `NAME.stdout`,
//! `NAME.stderr` and `NAME.status` (a missing file means empty output, status 0).
//!
//! Every case is its own test, so one can be run by name:
//! `cargo test --test integration golden::arithmetic` (tests/golden/) or
//! `cargo test --test integration golden::errors::syntax_habit_def` (tests/errors/). A new
//! script must be added to a list below: `every_script_is_listed` fails until it is.
//!
//! After an intended change of output, regenerate them with
//! `MPSCRIPT_BLESS=1 cargo test --test integration golden` and review the diff.

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::harness::run_bin;

/// Generates one `#[test]` per listed case of `$dir`, and `$listed`, their names.
macro_rules! golden_cases {
    ($dir:literal, $listed:ident: $($name:ident)*) => {
        /// The cases listed here, checked against the directory by `every_script_is_listed`.
        pub(super) const $listed: &[&str] = &[$(stringify!($name)),*];
        $(
            #[test]
            fn $name() {
                crate::golden::check_case($dir, stringify!($name));
            }
        )*
    };
}

// Language features: every builtin, operator and statement, with its output.
golden_cases! { "tests/golden", LISTED:
    arithmetic builtins closures comparison control_flow errors_caught fstrings functions guards
    lists local_functions local_int_ops maps strings truthiness values_print variables
    conveniences stdlib_fs stdlib_json stdlib_math_os
    slices conditionals comprehensions destructuring bitwise compound_assign power records
    fast_paths
}

/// The bad-input corpus: broken and hostile scripts, each with its message and status.
mod errors {
    golden_cases! { "tests/errors", LISTED:
        exit_with_code exit_zero_stops input_binary input_bom_column input_empty_file
        input_invalid_utf8 input_nul_byte input_only_comments runtime_assign_undeclared
        runtime_bad_index_type runtime_builtin_arity runtime_builtin_bad_argument runtime_method_arity
        runtime_process_method_arity
        runtime_call_non_function runtime_compare_mismatch runtime_deep_recursion
        runtime_division_by_zero runtime_error_in_nested_call runtime_float_map_key
        runtime_format_spec_mismatch runtime_habit_true runtime_index_out_of_range
        runtime_int_conversion runtime_integer_division_by_zero runtime_iterate_int
        runtime_join_non_process runtime_missing_argument runtime_missing_key
        runtime_modulo_by_zero runtime_no_such_field runtime_no_such_method
        runtime_order_self_containing runtime_overflow_add runtime_overflow_local_plus_const
        runtime_overflow_mul runtime_overflow_negate runtime_pop_empty runtime_randint_empty
        runtime_range_zero_step runtime_size_limit runtime_sleep_negative
        runtime_str_item_assignment runtime_too_many_arguments runtime_type_mismatch
        runtime_uncaught_throw runtime_unknown_name runtime_unknown_named_argument
        syntax_apply_async_not_call syntax_assign_in_condition syntax_assign_to_call
        runtime_assign_to_field_of_nil syntax_bad_escape syntax_bad_unicode_escape
        syntax_break_outside_loop syntax_dangling_dot syntax_deep_blocks syntax_deep_nesting
        syntax_duplicate_named_argument syntax_duplicate_parameter syntax_else_without_if
        syntax_fn_missing_parens syntax_fstring_bad_spec syntax_fstring_empty
        syntax_fstring_single_brace syntax_fstring_unclosed syntax_habit_and_and
        syntax_habit_apply_async_args syntax_habit_bang syntax_habit_colon_after_condition
        syntax_habit_def syntax_habit_elif syntax_habit_else_colon syntax_habit_increment
        syntax_habit_or_or syntax_habit_range_dots syntax_int_too_large syntax_keyword_as_name
        syntax_let_without_equals syntax_let_without_name syntax_map_missing_colon
        syntax_mismatched_close syntax_missing_block syntax_missing_comma syntax_missing_operand
        syntax_pool_without_parens syntax_positional_after_named syntax_return_outside_function
        syntax_spawn_not_call syntax_stray_character syntax_trailing_operator
        syntax_two_expressions syntax_unclosed_brace syntax_unclosed_bracket
        syntax_unclosed_paren syntax_unmatched_close syntax_unterminated_string
        runtime_fs_missing_file runtime_fs_permission_denied runtime_fs_invalid_utf8
        runtime_fs_read_invalid_utf8 runtime_fs_remove_nonempty runtime_json_bad
        runtime_json_dump_function runtime_json_dump_key runtime_namespace_no_such_function
        runtime_math_domain runtime_chr_range
        runtime_slice_zero_step runtime_slice_bad_bound runtime_slice_map
        runtime_unpack_mismatch runtime_unpack_for_mismatch runtime_unpack_not_list
        runtime_shift_negative runtime_shift_overflow runtime_pow_overflow
        runtime_pow_zero_negative runtime_bit_not_float runtime_bitwise_float
        runtime_comprehension_variable_local syntax_if_without_else syntax_assign_to_slice
        runtime_record_missing_field runtime_record_unknown_named_field
        runtime_record_too_many_args runtime_record_unknown_field_read
        runtime_record_unknown_field_write syntax_struct_duplicate_field syntax_struct_in_function
    }
}

/// A script in a golden directory that is not listed would never run; a listed one without
/// a script fails with a less direct message.
#[test]
fn every_script_is_listed() {
    for (dir, listed) in [("tests/golden", LISTED), ("tests/errors", errors::LISTED)] {
        let on_disk = scripts_in(dir);
        let unlisted: Vec<&String> = on_disk
            .iter()
            .filter(|s| !listed.contains(&s.as_str()))
            .collect();
        let missing: Vec<&&str> = listed
            .iter()
            .filter(|s| !on_disk.iter().any(|d| d == **s))
            .collect();
        assert!(
            unlisted.is_empty() && missing.is_empty(),
            "{dir}: scripts not listed in tests/golden.rs: {unlisted:?}; \
             listed without a script: {missing:?}"
        );
    }
}

/// The names (without `.mps`) of the scripts in `dir`, sorted.
fn scripts_in(dir: &str) -> Vec<String> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(dir);
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .expect("golden directory")
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "mps"))
        .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

fn read_or_default(path: &Path, default: &str) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|_| default.to_string())
}

/// Runs `dir/NAME.mps` and compares its outputs with the expected files (under
/// `MPSCRIPT_BLESS`, rewrites them instead).
#[track_caller]
fn check_case(dir: &str, name: &str) {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(dir);
    let bless = std::env::var_os("MPSCRIPT_BLESS").is_some();
    let script = dir.join(format!("{name}.mps"));
    assert!(
        script.exists(),
        "{} is listed but missing",
        script.display()
    );
    let args = vec!["run".to_string(), format!("{name}.mps")];
    let out = run_bin(&dir, &args, None, Duration::from_secs(60));
    assert!(
        out.status != 101 && out.status >= 0,
        "{name}.mps: crashed with status {}\n{}",
        out.status,
        out.stderr
    );
    let stem = dir.join(name);
    let files = [
        (stem.with_extension("stdout"), out.stdout, String::new()),
        (stem.with_extension("stderr"), out.stderr, String::new()),
        (
            stem.with_extension("status"),
            format!("{}\n", out.status),
            "0\n".to_string(),
        ),
    ];
    let mut failures = Vec::new();
    for (path, actual, default) in files {
        if bless {
            if actual == default {
                let _ = std::fs::remove_file(&path);
            } else {
                std::fs::write(&path, &actual).expect("bless");
            }
            continue;
        }
        let expected = read_or_default(&path, &default);
        if expected != actual {
            failures.push(format!(
                "{name}.mps: {} differs\n--- expected:\n{expected}\n--- actual:\n{actual}",
                path.extension().unwrap().to_string_lossy()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
