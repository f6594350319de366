// zkbench's entry point: everything lives in the library (src/cli/app.cpp parses and dispatches).
#include "cli/app.hpp"

int main(int argc, char** argv) {
  return zkbench::cli::run_main(argc, argv);
}
