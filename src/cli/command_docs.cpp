#include "cli/command_docs.hpp"

#include <CLI/CLI.hpp>

namespace zkbench::cli {

namespace {

OptionDoc describe_option(const CLI::Option& option) {
  OptionDoc doc;
  for (const auto& name : option.get_snames()) {
    doc.names.push_back("-" + name);
  }
  for (const auto& name : option.get_lnames()) {
    doc.names.push_back("--" + name);
  }
  doc.positional = !option.nonpositional();
  if (doc.positional) {
    doc.names.push_back(option.get_name(true));
  }
  // A flag takes no value (type size 0); an option's value is named by its type ("INT", "TEXT").
  if (option.get_type_size_max() > 0) {
    doc.value = option.get_type_name();
  }
  doc.description = option.get_description();
  doc.default_value = option.get_default_str();
  doc.required = option.get_required();
  return doc;
}

} // namespace

CommandDoc describe(const CLI::App& app) {
  CommandDoc doc;
  doc.name = app.get_name();
  doc.summary = app.get_description();
  doc.footer = app.get_footer();
  for (const CLI::Option* option : app.get_options()) {
    if (!option->get_group().empty()) {
      doc.options.push_back(describe_option(*option));
    }
  }
  for (const CLI::App* sub : app.get_subcommands([](const CLI::App* s) { return !s->get_group().empty(); })) {
    doc.subcommands.push_back(describe(*sub));
  }
  return doc;
}

} // namespace zkbench::cli
