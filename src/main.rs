//! The `mpscript` command: a thin front end over the library.

mod cli;

fn main() {
    // A spawn-method child runs its call and exits here.
    mpscript::init();
    std::process::exit(cli::main());
}
