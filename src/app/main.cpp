#include "app/cli.hpp"

int main(int argc, char** argv) { return myelin::run_cli(argc, argv); }
